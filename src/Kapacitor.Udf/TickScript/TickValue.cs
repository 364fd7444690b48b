using System.Globalization;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.TickScript;

/// <summary>One evaluated TICKscript argument.</summary>
internal sealed class TickValue
{
    private TickValue(TickValueKind kind, string text)
    {
        Kind = kind;
        Text = text;
    }

    /// <summary>The literal's kind.</summary>
    public TickValueKind Kind { get; }

    /// <summary>The argument as written (for messages).</summary>
    public string Text { get; }

    /// <summary>The value of a <see cref="TickValueKind.Bool"/>.</summary>
    public bool BoolValue { get; private init; }

    /// <summary>The value of an <see cref="TickValueKind.Int"/>, or the nanoseconds of a <see cref="TickValueKind.Duration"/>.</summary>
    public long IntValue { get; private init; }

    /// <summary>The value of a <see cref="TickValueKind.Double"/>.</summary>
    public double DoubleValue { get; private init; }

    /// <summary>The text of a <see cref="TickValueKind.String"/> (escapes removed) or of a <see cref="TickValueKind.Reference"/>.</summary>
    public string StringValue { get; private init; } = string.Empty;

    /// <summary>The items of a <see cref="TickValueKind.List"/>.</summary>
    public IReadOnlyList<TickValue> Items { get; private init; } = [];

    /// <summary>A boolean.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The argument.</returns>
    public static TickValue Bool(bool value) => new(TickValueKind.Bool, value ? "TRUE" : "FALSE") { BoolValue = value };

    /// <summary>An integer.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The argument.</returns>
    public static TickValue Int(long value) => new(TickValueKind.Int, value.ToString(CultureInfo.InvariantCulture)) { IntValue = value };

    /// <summary>A float.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The argument.</returns>
    public static TickValue Double(double value) => new(TickValueKind.Double, value.ToString("R", CultureInfo.InvariantCulture)) { DoubleValue = value };

    /// <summary>A string.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The argument.</returns>
    public static TickValue String(string value) => new(TickValueKind.String, "'" + value.Replace("'", "\\'", StringComparison.Ordinal) + "'") { StringValue = value };

    /// <summary>A duration.</summary>
    /// <param name="nanoseconds">The duration in nanoseconds.</param>
    /// <param name="text">The literal as written.</param>
    /// <returns>The argument.</returns>
    public static TickValue Duration(long nanoseconds, string text) => new(TickValueKind.Duration, text) { IntValue = nanoseconds };

    /// <summary>A list.</summary>
    /// <param name="items">The items.</param>
    /// <param name="text">The list as written.</param>
    /// <returns>The argument.</returns>
    public static TickValue List(IReadOnlyList<TickValue> items, string text) => new(TickValueKind.List, text) { Items = items };

    /// <summary>Something Kapacitor passes on as an untyped object: a reference, lambda, regex or star.</summary>
    /// <param name="kind">Which of those.</param>
    /// <param name="text">The argument as written.</param>
    /// <param name="stringValue">The reference's name, for <see cref="TickValueKind.Reference"/>.</param>
    /// <returns>The argument.</returns>
    public static TickValue Other(TickValueKind kind, string text, string stringValue = "") => new(kind, text) { StringValue = stringValue };

    /// <summary>
    /// The <see cref="OptionValue"/> Kapacitor builds from this argument [pipeline/udf.go SetProperty]: booleans,
    /// integers, floats, strings and durations get their type and value; anything else (a <c>"reference"</c>, a lambda,
    /// a regex, a star or a nested list) falls through its type switch and stays the zero value: type BOOL, no value set.
    /// </summary>
    /// <returns>A new option value.</returns>
    public OptionValue ToOptionValue() => Kind switch
    {
        TickValueKind.Bool => new OptionValue { Type = Protocol.ValueType.Bool, BoolValue = BoolValue },
        TickValueKind.Int => new OptionValue { Type = Protocol.ValueType.Int, IntValue = IntValue },
        TickValueKind.Double => new OptionValue { Type = Protocol.ValueType.Double, DoubleValue = DoubleValue },
        TickValueKind.String => new OptionValue { Type = Protocol.ValueType.String, StringValue = StringValue },
        TickValueKind.Duration => new OptionValue { Type = Protocol.ValueType.Duration, DurationValue = IntValue },
        _ => new OptionValue { Type = Protocol.ValueType.Bool },
    };

    /// <inheritdoc />
    public override string ToString() => Text;
}
