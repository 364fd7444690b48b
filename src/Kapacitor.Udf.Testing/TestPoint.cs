using System.Text;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Testing;

/// <summary>Points as Kapacitor sends them, with the group ID and dimensions a <c>groupBy()</c> would give.</summary>
public static class TestPoint
{
    /// <summary>
    /// A stream point: time, name, database <c>db</c>, retention policy <c>autogen</c>, tags, and the group of
    /// <c>groupBy(dimensions)</c> (dimensions sorted, as Kapacitor keeps them). Add fields with
    /// <c>SetField</c> (<see cref="PointExtensions"/>).
    /// </summary>
    /// <param name="name">The measurement.</param>
    /// <param name="time">int64 nanoseconds since the Unix epoch.</param>
    /// <param name="tags">The tags; none when <see langword="null"/>.</param>
    /// <param name="groupBy">The group-by tag names; not grouped when <see langword="null"/>.</param>
    /// <param name="byName">Whether the measurement is part of the group (<c>.byMeasurement()</c>).</param>
    /// <returns>The point, without fields.</returns>
    public static Point Stream(string name, long time, IReadOnlyDictionary<string, string>? tags = null, IReadOnlyList<string>? groupBy = null, bool byName = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        tags ??= new Dictionary<string, string>();
        var dimensions = (groupBy ?? []).Order(StringComparer.Ordinal).ToArray();
        var point = new Point
        {
            Time = time,
            Name = name,
            Database = "db",
            RetentionPolicy = "autogen",
            ByName = byName,
            Group = GroupId(name, tags, dimensions, byName),
        };
        point.Dimensions.AddRange(dimensions);
        foreach (var (key, value) in tags)
        {
            point.Tags[key] = value;
        }

        return point;
    }

    /// <summary>Kapacitor's group ID [models/point.go ToGroupID]: <c>""</c> with no dimensions (the name alone when
    /// <paramref name="byName"/>), else the name and <c>\n</c> when <paramref name="byName"/>, then <c>k1=v1,k2=v2</c>
    /// in dimension order.</summary>
    /// <param name="name">The measurement.</param>
    /// <param name="tags">The tags.</param>
    /// <param name="dimensions">The dimensions, in Kapacitor's (sorted) order.</param>
    /// <param name="byName">Whether the measurement is part of the group.</param>
    /// <returns>The group ID.</returns>
    public static string GroupId(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> dimensions, bool byName)
    {
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Count == 0)
        {
            return byName ? name : "";
        }

        var builder = new StringBuilder();
        if (byName)
        {
            builder.Append(name).Append('\n');
        }

        for (var i = 0; i < dimensions.Count; i++)
        {
            builder.Append(i == 0 ? "" : ",").Append(dimensions[i]).Append('=').Append(tags.GetValueOrDefault(dimensions[i], ""));
        }

        return builder.ToString();
    }
}
