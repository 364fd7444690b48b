using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Support;

// Compiled into Kapacitor.Udf.Simulator.Tests too (a linked file): both play Kapacitor against an Info.
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
}
