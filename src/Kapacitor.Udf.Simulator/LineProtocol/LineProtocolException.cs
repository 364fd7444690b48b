namespace Kapacitor.Udf.Simulator.LineProtocol;

/// <summary>A line of input is not valid line protocol. The message names the line, the column and what was expected.</summary>
public sealed class LineProtocolException : FormatException
{
    /// <summary>Creates the error for a position in the input.</summary>
    /// <param name="line">The 1-based line number.</param>
    /// <param name="column">The 1-based column (character) in that line.</param>
    /// <param name="problem">What was wrong or expected there.</param>
    public LineProtocolException(long line, int column, string problem)
        : base($"line {line}, column {column}: {problem}")
    {
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>The 1-based line number.</summary>
    public long Line { get; }

    /// <summary>The 1-based column (character) in the line.</summary>
    public int Column { get; }

    /// <summary>What was wrong, without the position.</summary>
    public string Problem { get; }
}
