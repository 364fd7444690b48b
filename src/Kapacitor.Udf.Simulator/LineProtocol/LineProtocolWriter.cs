using System.Globalization;
using System.Text;
using Google.Protobuf.Collections;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.LineProtocol;

/// <summary>
/// Writes points back as line protocol with a deterministic layout: tags in key order; fields grouped by type
/// (doubles, integers with <c>i</c>, strings, booleans), each group in key order; the timestamp always written.
/// Keys and names are compared ordinally, so the same point always produces the same bytes.
/// </summary>
public static class LineProtocolWriter
{
    /// <summary>Formats one point as a line (without a line terminator).</summary>
    /// <param name="point">The point.</param>
    /// <param name="name">The measurement to write instead of <see cref="Point.Name"/> (batch points carry no name of their own).</param>
    /// <returns>The line. A point that line protocol cannot express (no measurement, or no fields) comes back as a
    /// <c>#</c> comment saying so, so the output stays parseable and nothing disappears silently.</returns>
    public static string Format(Point point, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(point);
        var builder = new StringBuilder(64);
        Append(builder, point, name);
        return builder.ToString();
    }

    /// <summary>Appends one point as a line (without a line terminator).</summary>
    /// <param name="builder">Where the line goes.</param>
    /// <param name="point">The point.</param>
    /// <param name="name">The measurement to write instead of <see cref="Point.Name"/>.</param>
    public static void Append(StringBuilder builder, Point point, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(point);
        var measurement = string.IsNullOrEmpty(name) ? point.Name : name;
        var fieldCount = point.FieldsDouble.Count + point.FieldsInt.Count + point.FieldsString.Count + point.FieldsBool.Count;
        if (measurement.Length == 0)
        {
            builder.Append("# point without a measurement name: ");
            measurement = "\"\"";
        }
        else if (fieldCount == 0)
        {
            builder.Append("# point without fields: ");
        }

        AppendEscaped(builder, measurement, ", ");
        foreach (var key in SortedKeys(point.Tags))
        {
            var value = point.Tags[key];
            // InfluxDB drops tags with empty values; there is no way to write one.
            if (value.Length == 0)
            {
                continue;
            }

            builder.Append(',');
            AppendEscaped(builder, key, ",= ");
            builder.Append('=');
            AppendEscaped(builder, value, ",= ");
        }

        builder.Append(' ');
        var first = true;
        foreach (var key in SortedKeys(point.FieldsDouble))
        {
            AppendFieldKey(builder, key, ref first);
            builder.Append(FormatFloat(point.FieldsDouble[key]));
        }

        foreach (var key in SortedKeys(point.FieldsInt))
        {
            AppendFieldKey(builder, key, ref first);
            builder.Append(point.FieldsInt[key].ToString(CultureInfo.InvariantCulture)).Append('i');
        }

        foreach (var key in SortedKeys(point.FieldsString))
        {
            AppendFieldKey(builder, key, ref first);
            builder.Append('"');
            foreach (var c in point.FieldsString[key])
            {
                if (c is '"' or '\\')
                {
                    builder.Append('\\');
                }

                builder.Append(c);
            }

            builder.Append('"');
        }

        foreach (var key in SortedKeys(point.FieldsBool))
        {
            AppendFieldKey(builder, key, ref first);
            builder.Append(point.FieldsBool[key] ? "true" : "false");
        }

        builder.Append(' ').Append(point.Time.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Formats a double as the shortest text that parses back to the same value, in plain decimal notation
    /// (like Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c>, which InfluxDB uses), never with an exponent.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <returns>The text; <c>NaN</c> and infinities come out as .NET spells them (line protocol cannot carry them).</returns>
    public static string FormatFloat(double value)
    {
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = shortest.IndexOf('E', StringComparison.Ordinal);
        if (exponentAt < 0)
        {
            return shortest;
        }

        var mantissa = shortest.AsSpan(0, exponentAt);
        var exponent = int.Parse(shortest.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var negative = mantissa[0] == '-';
        if (negative)
        {
            mantissa = mantissa[1..];
        }

        var dot = mantissa.IndexOf('.');
        var digits = dot < 0 ? mantissa.ToString() : string.Concat(mantissa[..dot], mantissa[(dot + 1)..]);
        var pointAt = (dot < 0 ? mantissa.Length : dot) + exponent;
        var plain = pointAt <= 0
            ? "0." + new string('0', -pointAt) + digits
            : pointAt >= digits.Length
                ? digits + new string('0', pointAt - digits.Length)
                : digits[..pointAt] + "." + digits[pointAt..];
        return negative ? "-" + plain : plain;
    }

    private static void AppendFieldKey(StringBuilder builder, string key, ref bool first)
    {
        if (!first)
        {
            builder.Append(',');
        }

        first = false;
        AppendEscaped(builder, key, ",= ");
        builder.Append('=');
    }

    private static void AppendEscaped(StringBuilder builder, string text, string special)
    {
        foreach (var c in text)
        {
            if (special.Contains(c, StringComparison.Ordinal))
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }
    }

    private static List<string> SortedKeys<TValue>(MapField<string, TValue> map)
    {
        var keys = new List<string>(map.Keys);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
