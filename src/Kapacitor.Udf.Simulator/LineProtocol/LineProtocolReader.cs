using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.LineProtocol;

/// <summary>
/// Reads InfluxDB line protocol into raw points: <see cref="Point.Name"/>, <see cref="Point.Tags"/>, the four field
/// maps and <see cref="Point.Time"/>. Grouping, database and retention policy are the engine's business, not the
/// input's. Blank lines and lines starting with <c>#</c> are skipped.
/// </summary>
/// <remarks>
/// Syntax: <c>measurement[,tag=value...] field=value[,field=value...] [timestamp]</c>. Escapes are a backslash before
/// a comma or space in the measurement; before a comma, equals sign or space in tag keys, tag values and field keys;
/// before <c>"</c> or <c>\</c> inside a string field. A bare number is a float, <c>7i</c> an integer, and booleans are
/// <c>t T true True TRUE f F false False FALSE</c>. The <c>u</c> suffix is rejected because the UDF protocol has no
/// unsigned field type. A missing timestamp is filled in by <see cref="TimestampDefaults"/>.
/// </remarks>
public static class LineProtocolReader
{
    /// <summary>Parses a whole text.</summary>
    /// <param name="text">Line protocol, one point per line.</param>
    /// <param name="defaults">Times for lines without one; <see cref="TimestampDefaults.Default"/> when omitted.</param>
    /// <returns>The points in input order.</returns>
    /// <exception cref="LineProtocolException">A line is malformed.</exception>
    public static IReadOnlyList<Point> Parse(string text, TimestampDefaults? defaults = null)
    {
        using var reader = new StringReader(text);
        return Read(reader, defaults).ToList();
    }

    /// <summary>Parses lazily, one line at a time, so arbitrarily large inputs stream through.</summary>
    /// <param name="reader">The input.</param>
    /// <param name="defaults">Times for lines without one; <see cref="TimestampDefaults.Default"/> when omitted.</param>
    /// <returns>The points in input order.</returns>
    /// <exception cref="LineProtocolException">A line is malformed (thrown while enumerating).</exception>
    public static IEnumerable<Point> Read(TextReader reader, TimestampDefaults? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var timestamps = defaults ?? TimestampDefaults.Default;
        long? previous = null;
        var lineNumber = 0L;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var point = ParseLine(line, lineNumber, out var hasTimestamp);
            if (point is null)
            {
                continue;
            }

            if (!hasTimestamp)
            {
                point.Time = previous is { } p ? p + timestamps.Step : timestamps.Start;
            }

            previous = point.Time;
            yield return point;
        }
    }

    /// <summary>Parses one line; <see langword="null"/> for a blank or comment line.</summary>
    /// <param name="line">The line, without its line terminator.</param>
    /// <param name="lineNumber">The 1-based line number, for error messages.</param>
    /// <param name="hasTimestamp">Whether the line carried a timestamp (<see cref="Point.Time"/> is 0 when not).</param>
    /// <returns>The point, or <see langword="null"/> when the line holds none.</returns>
    /// <exception cref="LineProtocolException">The line is malformed.</exception>
    public static Point? ParseLine(string line, long lineNumber, out bool hasTimestamp)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parser = new LineParser(line, lineNumber);
        return parser.Parse(out hasTimestamp);
    }
}
