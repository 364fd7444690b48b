using Google.Protobuf.Collections;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>Building output points that keep their group, and setting fields the way Kapacitor reads them.</summary>
public static class PointExtensions
{
    /// <summary>
    /// A new output point for <paramref name="input"/>: its time, name, database, retention policy, group, dimensions,
    /// byName and tags, and no fields. Kapacitor recomputes a stream point's group from name, tags, dimensions and
    /// byName, so copying them keeps the group and downstream joins still match (kapacitor#2330).
    /// </summary>
    /// <param name="input">The input point.</param>
    /// <returns>A new point without fields.</returns>
    public static Point CreateOutput(this Point input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var output = new Point
        {
            Time = input.Time,
            Name = input.Name,
            Database = input.Database,
            RetentionPolicy = input.RetentionPolicy,
            Group = input.Group,
            ByName = input.ByName,
        };
        output.Dimensions.AddRange(input.Dimensions);
        output.Tags.Add(input.Tags);
        return output;
    }

    /// <summary>Sets a float field, removing the key from the other field maps (Kapacitor would otherwise pick one by
    /// its own precedence: bool, then double, then int, then string).</summary>
    /// <param name="point">The point.</param>
    /// <param name="key">The field name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The point.</returns>
    public static Point SetField(this Point point, string key, double value) => Set(point, key, value, static p => p.FieldsDouble);

    /// <summary>Sets an integer field, removing the key from the other field maps.</summary>
    /// <inheritdoc cref="SetField(Point, string, double)"/>
    public static Point SetField(this Point point, string key, long value) => Set(point, key, value, static p => p.FieldsInt);

    /// <summary>Sets a string field, removing the key from the other field maps.</summary>
    /// <inheritdoc cref="SetField(Point, string, double)"/>
    public static Point SetField(this Point point, string key, string value) => Set(point, key, value, static p => p.FieldsString);

    /// <summary>Sets a boolean field, removing the key from the other field maps.</summary>
    /// <inheritdoc cref="SetField(Point, string, double)"/>
    public static Point SetField(this Point point, string key, bool value) => Set(point, key, value, static p => p.FieldsBool);

    // The key goes into exactly one typed map: Kapacitor would otherwise pick one by its own precedence.
    private static Point Set<T>(Point point, string key, T value, Func<Point, MapField<string, T>> map)
    {
        RemoveField(point, key);
        map(point)[key] = value;
        return point;
    }

    /// <summary>Removes the field <paramref name="key"/> whatever its type.</summary>
    /// <param name="point">The point.</param>
    /// <param name="key">The field name.</param>
    /// <returns>The point.</returns>
    public static Point RemoveField(this Point point, string key)
    {
        ArgumentNullException.ThrowIfNull(point);
        point.FieldsDouble.Remove(key);
        point.FieldsInt.Remove(key);
        point.FieldsString.Remove(key);
        point.FieldsBool.Remove(key);
        return point;
    }

    /// <summary>Removes every field.</summary>
    /// <param name="point">The point.</param>
    /// <returns>The point.</returns>
    public static Point ClearFields(this Point point)
    {
        ArgumentNullException.ThrowIfNull(point);
        point.FieldsDouble.Clear();
        point.FieldsInt.Clear();
        point.FieldsString.Clear();
        point.FieldsBool.Clear();
        return point;
    }

    /// <summary>A float field, or <paramref name="missing"/> when the point has no float field of that name (an
    /// integer, string or bool field of that name counts as missing, as in Kapacitor's examples).</summary>
    /// <param name="point">The point.</param>
    /// <param name="key">The field name.</param>
    /// <param name="missing">The value for a missing field.</param>
    /// <returns>The value.</returns>
    public static double GetDouble(this Point point, string key, double missing = 0)
    {
        ArgumentNullException.ThrowIfNull(point);
        return point.FieldsDouble.TryGetValue(key, out var value) ? value : missing;
    }
}
