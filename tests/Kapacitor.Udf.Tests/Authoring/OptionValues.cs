using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Authoring;

/// <summary>InitRequest options as Kapacitor builds them from TICKscript literals (reference §2.3).</summary>
internal static class OptionValues
{
    public static Option Call(string name, params OptionValue[] values)
    {
        var option = new Option { Name = name };
        option.Values.AddRange(values);
        return option;
    }

    public static OptionValue Str(string value) => new() { Type = Protocol.ValueType.String, StringValue = value };

    public static OptionValue Int(long value) => new() { Type = Protocol.ValueType.Int, IntValue = value };

    public static OptionValue Dbl(double value) => new() { Type = Protocol.ValueType.Double, DoubleValue = value };

    public static OptionValue Bool(bool value) => new() { Type = Protocol.ValueType.Bool, BoolValue = value };

    public static OptionValue Dur(long nanoseconds) => new() { Type = Protocol.ValueType.Duration, DurationValue = nanoseconds };

    /// <summary>What a "double-quoted" reference, a lambda or a regex becomes: BOOL with no value set (#767).</summary>
    public static OptionValue NoValue() => new() { Type = Protocol.ValueType.Bool };
}
