using System.Text;

namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>Kapacitor's group ID, as <c>models.ToGroupID</c> builds it [models/point.go].</summary>
public static class GroupId
{
    /// <summary>
    /// Builds the group ID: <c>""</c> with no dimensions and <paramref name="byName"/> false; the name alone with
    /// <paramref name="byName"/> and no dimensions; otherwise the name and <c>"\n"</c> when <paramref name="byName"/>,
    /// then <c>k1=v1,k2=v2</c> in dimension order (a missing tag contributes an empty value).
    /// </summary>
    /// <param name="name">The measurement.</param>
    /// <param name="tags">The point's tags.</param>
    /// <param name="dimensions">The group-by tag names, in the order Kapacitor keeps them (sorted; see <see cref="PointGrouper"/>).</param>
    /// <param name="byName">Whether the measurement is part of the group (<c>groupBy(...).byMeasurement()</c>).</param>
    /// <returns>The group ID.</returns>
    public static string Compute(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> dimensions, bool byName)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Count == 0)
        {
            return byName ? name : string.Empty;
        }

        var builder = new StringBuilder();
        if (byName)
        {
            // Kapacitor's delimiter: a newline cannot occur in a measurement name.
            builder.Append(name).Append('\n');
        }

        for (var i = 0; i < dimensions.Count; i++)
        {
            if (i != 0)
            {
                builder.Append(',');
            }

            builder.Append(dimensions[i]).Append('=').Append(tags.GetValueOrDefault(dimensions[i], string.Empty));
        }

        return builder.ToString();
    }
}
