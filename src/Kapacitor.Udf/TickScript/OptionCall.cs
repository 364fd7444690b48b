namespace Kapacitor.Udf.TickScript;

/// <summary>One property call on the UDF node, such as <c>.size(10)</c>, before it is checked against the UDF's options.</summary>
/// <param name="Name">The option name.</param>
/// <param name="Arguments">The arguments as written (a single list argument is expanded later, when binding).</param>
/// <param name="Source">The expression as given.</param>
internal sealed record OptionCall(string Name, IReadOnlyList<TickValue> Arguments, string Source)
{
    /// <summary>
    /// Parses a call written as in TICKscript: <c>field('value')</c>, <c>size(10)</c>, <c>scale(1.5)</c>,
    /// <c>flag()</c>, <c>tags('a','b')</c>, <c>tags(['a','b'])</c>, <c>period(10s)</c>; a leading <c>.</c> is allowed.
    /// </summary>
    /// <param name="expression">The call.</param>
    /// <returns>The parsed call.</returns>
    /// <exception cref="FormatException">The expression is not a valid TICKscript property call.</exception>
    public static OptionCall Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return new OptionCallParser(expression).Parse();
    }

    /// <summary>Parses several calls, keeping their order (the order Kapacitor sends them in).</summary>
    /// <param name="expressions">The calls.</param>
    /// <returns>The parsed calls.</returns>
    /// <exception cref="FormatException">An expression is not a valid TICKscript property call.</exception>
    public static IReadOnlyList<OptionCall> ParseAll(params IEnumerable<string> expressions) =>
        expressions.Select(Parse).ToArray();

    // Kapacitor expands a single list argument into the arguments [tick/eval.go evalFunc]: .tags(['a','b']) is .tags('a','b').
    internal IReadOnlyList<TickValue> ExpandedArguments =>
        Arguments is [{ Kind: TickValueKind.List } list] ? list.Items : Arguments;

    /// <inheritdoc />
    public override string ToString() => Source;
}
