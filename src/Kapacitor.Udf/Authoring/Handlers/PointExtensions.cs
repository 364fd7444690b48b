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
    /// its own precedence, requirement 24).</summary>
    /// <param name="point">The point.</param>
    /// <param name="key">The field name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The point.</returns>
    public static Point SetField(this Point point, string key, double value)
    {
        ArgumentNullException.ThrowIfNull(point);
        point.FieldsInt.Remove(key);
        point.FieldsString.Remove(key);
        point.FieldsBool.Remove(key);
        point.FieldsDouble[key] = value;
        return point;
    }

    /// <summary>Sets an integer field, removing the key from the other field maps.</summary>
    /// <param name="point">The point.</param>
    /// <param name="key">The field name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The point.</returns>
    public static Point SetField(this Point point, string key, long value)
    {
        ArgumentNullException.ThrowIfNull(point);
        point.FieldsDouble.Remove(key);
        point.FieldsString.Remove(key);
        point.FieldsBool.Remove(key);
        point.FieldsInt[key] = value;
        return point;
    }

    /// <summary>Sets a string field, removing the key from the other field maps.</summary>
    /// <param name="point">The point.</param>
    /// <param name="key">The field name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The point.</returns>
    public static Point SetField(this Point point, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(point);
        point.FieldsDouble.Remove(key);
        point.FieldsInt.Remove(key);
        point.FieldsBool.Remove(key);
        point.FieldsString[key] = value;
        return point;
    }

    /// <summary>Sets a boolean field, removing the key from the other field maps.</summary>
    /// <param name="point">The point.</param>
    /// <param name="key">The field name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The point.</returns>
    public static Point SetField(this Point point, string key, bool value)
    {
        ArgumentNullException.ThrowIfNull(point);
        point.FieldsDouble.Remove(key);
        point.FieldsInt.Remove(key);
        point.FieldsString.Remove(key);
        point.FieldsBool[key] = value;
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
