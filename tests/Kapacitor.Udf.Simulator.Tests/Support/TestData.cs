using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Tests.Support;

internal static class TestData
{
    /// <summary>The bound on every await that could hang.</summary>
    public static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

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

    public static Point Raw(string name, long time, double value, params (string Key, string Value)[] tags)
    {
        var point = new Point { Name = name, Time = time };
        point.FieldsDouble["value"] = value;
        foreach (var (key, tagValue) in tags)
        {
            point.Tags[key] = tagValue;
        }

        return point;
    }
}
