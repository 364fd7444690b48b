using System.Globalization;
using System.Text;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Generated;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>Option values written back as TICKscript, and the wording of option problems.</summary>
internal static class OptionText
{
    /// <summary>The type a received value actually carries, or <see langword="null"/> for a value with none set
    /// (what Kapacitor sends for a "double-quoted" reference, a lambda or a regex, docs/protocol.md, "Options").</summary>
    public static Protocol.ValueType? Carried(OptionValue value) => value.ValueCase switch
    {
        OptionValue.ValueOneofCase.BoolValue => Protocol.ValueType.Bool,
        OptionValue.ValueOneofCase.IntValue => Protocol.ValueType.Int,
        OptionValue.ValueOneofCase.DoubleValue => Protocol.ValueType.Double,
        OptionValue.ValueOneofCase.StringValue => Protocol.ValueType.String,
        OptionValue.ValueOneofCase.DurationValue => Protocol.ValueType.Duration,
        _ => null,
    };

    /// <summary>A received value as it would be written in TICKscript.</summary>
    public static string Literal(OptionValue value) => value.ValueCase switch
    {
        OptionValue.ValueOneofCase.BoolValue => value.BoolValue ? "TRUE" : "FALSE",
        OptionValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        OptionValue.ValueOneofCase.DoubleValue => Float(value.DoubleValue),
        OptionValue.ValueOneofCase.StringValue => Quote(value.StringValue),
        OptionValue.ValueOneofCase.DurationValue => Duration(value.DurationValue),
        _ => "\"…\"",
    };

    /// <summary>A bound C# value (a default, for messages) as TICKscript.</summary>
    public static string Literal(object? value) => value switch
    {
        null => "none",
        string s => Quote(s),
        bool b => b ? "TRUE" : "FALSE",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => Float(d),
        TimeSpan t => Duration(t.Ticks * 100),
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Literal)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "?",
    };

    /// <summary>A call as written: <c>.size(10)</c>.</summary>
    public static string Call(Option option)
    {
        var builder = new StringBuilder().Append('.').Append(option.Name).Append('(');
        for (var i = 0; i < option.Values.Count; i++)
        {
            builder.Append(i == 0 ? "" : ", ").Append(Literal(option.Values[i]));
        }

        return builder.Append(')').ToString();
    }

    /// <summary>An example call of the declared types: <c>.range(1.5, 1.5)</c>.</summary>
    public static string ExampleCall(UdfOptionModel property)
    {
        var builder = new StringBuilder().Append('.').Append(property.Name).Append('(');
        for (var i = 0; i < property.Kinds.Length; i++)
        {
            builder.Append(i == 0 ? "" : ", ").Append(ValueTypeText.ExampleLiteral(UdfOptionModel.WireType(property.Kinds[i])));
        }

        return builder.Append(')').ToString();
    }

    /// <summary>The call corrected: arguments that bound are kept, the others replaced by a value of the right type
    /// (the same number when only the spelling is wrong: <c>10.0</c> for an INT becomes <c>10</c>).</summary>
    public static string FixedCall(UdfOptionModel property, Option option, bool[] bad)
    {
        var builder = new StringBuilder().Append('.').Append(property.Name).Append('(');
        for (var i = 0; i < property.Kinds.Length; i++)
        {
            var expected = UdfOptionModel.WireType(property.Kinds[i]);
            builder.Append(i == 0 ? "" : ", ").Append(bad[i] ? Suggest(option.Values[i], expected) : Literal(option.Values[i]));
        }

        return builder.Append(')').ToString();
    }

    /// <summary>What a value of the declared type looks like in TICKscript.</summary>
    public static string MustBe(Protocol.ValueType expected) => expected switch
    {
        Protocol.ValueType.Int => "must be an integer (INT), written without a decimal point",
        Protocol.ValueType.Double => "must be a float (DOUBLE), written with a decimal point",
        Protocol.ValueType.String => "must be a string (STRING) in 'single quotes' (\"double quotes\" make a field reference)",
        Protocol.ValueType.Bool => "must be TRUE or FALSE (BOOL)",
        _ => "must be a duration (DURATION) such as 10s, 5m or 1h",
    };

    public static string Duration(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }

        // The largest TICKscript unit that writes the value exactly; below 1u TICKscript has no unit, so "ns" is shown.
        ReadOnlySpan<(long Size, string Unit)> units =
        [
            (604_800_000_000_000, "w"), (86_400_000_000_000, "d"), (3_600_000_000_000, "h"), (60_000_000_000, "m"),
            (1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "u"),
        ];
        foreach (var (size, unit) in units)
        {
            if (nanoseconds % size == 0)
            {
                return (nanoseconds / size).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return nanoseconds.ToString(CultureInfo.InvariantCulture) + "ns";
    }

    private static string Suggest(OptionValue received, Protocol.ValueType expected)
    {
        switch (expected)
        {
            case Protocol.ValueType.Int when received.ValueCase == OptionValue.ValueOneofCase.DoubleValue
                && double.IsInteger(received.DoubleValue) && Math.Abs(received.DoubleValue) < 1e15:
                return ((long)received.DoubleValue).ToString(CultureInfo.InvariantCulture);
            case Protocol.ValueType.Double when received.ValueCase == OptionValue.ValueOneofCase.IntValue:
                return received.IntValue.ToString(CultureInfo.InvariantCulture) + ".0";
            case Protocol.ValueType.String when received.ValueCase is OptionValue.ValueOneofCase.IntValue or OptionValue.ValueOneofCase.DoubleValue:
                return Quote(Literal(received));
            default:
                return ValueTypeText.ExampleLiteral(expected);
        }
    }

    private static string Float(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return double.IsFinite(value) && !text.Contains('.', StringComparison.Ordinal) && !text.Contains('E', StringComparison.Ordinal)
            ? text + ".0"
            : text;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
