using System.Globalization;

namespace Kapacitor.Udf.Codec;

/// <summary>Option value types written as Kapacitor writes them: one place for every layer that words an option
/// (the options binder, the TICKscript checks, <c>--describe</c>), so all of them agree.</summary>
internal static class ValueTypeText
{
    /// <summary>An example TICKscript literal of exactly the given type.</summary>
    /// <param name="type">The declared type.</param>
    /// <returns><c>TRUE</c>, <c>10</c>, <c>1.5</c>, <c>'value'</c> or <c>10s</c>.</returns>
    public static string ExampleLiteral(Protocol.ValueType type) => type switch
    {
        Protocol.ValueType.Bool => "TRUE",
        Protocol.ValueType.Int => "10",
        Protocol.ValueType.Double => "1.5",
        Protocol.ValueType.String => "'value'",
        Protocol.ValueType.Duration => "10s",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a UDF option value type"),
    };

    /// <summary>The proto name of a value type, as Kapacitor prints it.</summary>
    /// <param name="type">The type.</param>
    /// <returns><c>BOOL</c>, <c>INT</c>, <c>DOUBLE</c>, <c>STRING</c> or <c>DURATION</c>.</returns>
    public static string Name(Protocol.ValueType type) => type switch
    {
        Protocol.ValueType.Bool => "BOOL",
        Protocol.ValueType.Int => "INT",
        Protocol.ValueType.Double => "DOUBLE",
        Protocol.ValueType.String => "STRING",
        Protocol.ValueType.Duration => "DURATION",
        _ => ((int)type).ToString(CultureInfo.InvariantCulture),
    };
}
