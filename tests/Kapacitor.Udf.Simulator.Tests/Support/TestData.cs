using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Tests.Support;

internal static class TestData
{
    /// <summary>The bound on every await that could hang.</summary>
    public static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

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
