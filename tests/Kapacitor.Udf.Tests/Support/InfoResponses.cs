using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Support;

internal static class InfoResponses
{
    public static InfoResponse Info(EdgeType wants = EdgeType.Stream, EdgeType provides = EdgeType.Stream,
        params (string Name, Protocol.ValueType[] Types)[] options)
    {
        var info = new InfoResponse { Wants = wants, Provides = provides };
        foreach (var (name, types) in options)
        {
            var option = new OptionInfo();
            option.ValueTypes.Add(types);
            info.Options.Add(name, option);
        }

        return info;
    }

    /// <summary>What the test kit throws for a call Kapacitor would refuse at define time.</summary>
    public static Exception Refuse(string message) => new Kapacitor.Udf.Testing.UdfDefineException(message);
}
