using Google.Protobuf.Collections;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// One whole input batch: its Begin, its points and its End, delivered together.
/// </summary>
/// <remarks>
/// Kapacitor sends batch points with only time, group, tags and fields (name, database, retention policy, dimensions
/// and byName are empty), and never sets <c>byName</c> in the EndBatch (docs/protocol.md, "What Kapacitor sends"), so the batch's metadata comes
/// from <see cref="Begin"/>: use <see cref="Name"/>, <see cref="Tags"/> and <see cref="ByName"/> here, not the points'.
/// The batch and its points are the handler's to keep.
/// </remarks>
public sealed class Batch
{
    private string[]? _dimensions;

    /// <summary>Creates a batch.</summary>
    /// <param name="begin">The BeginBatch.</param>
    /// <param name="points">The points, in order.</param>
    /// <param name="end">The EndBatch.</param>
    public Batch(BeginBatch begin, IReadOnlyList<Point> points, EndBatch end)
    {
        Begin = begin ?? throw new ArgumentNullException(nameof(begin));
        Points = points ?? throw new ArgumentNullException(nameof(points));
        End = end ?? throw new ArgumentNullException(nameof(end));
    }

    /// <summary>The BeginBatch as received: name, group, group tags, size hint, byName.</summary>
    public BeginBatch Begin { get; }

    /// <summary>The points, in the order received. May be empty (Kapacitor sends empty windows, docs/protocol.md, "What Kapacitor sends").</summary>
    public IReadOnlyList<Point> Points { get; }

    /// <summary>The EndBatch as received: name, group, tmax, group tags. Echo it to keep the group (docs/protocol.md, "What Kapacitor does with a UDF's output").</summary>
    public EndBatch End { get; }

    /// <summary>The measurement name (from Begin).</summary>
    public string Name => Begin.Name;

    /// <summary>The group ID (from Begin); a key for <see cref="GroupState{TState}"/>.</summary>
    public string Group => Begin.Group;

    /// <summary>The group's tags (from Begin): the group-by dimensions and their values.</summary>
    public MapField<string, string> Tags => Begin.Tags;

    /// <summary>Whether the measurement is part of the group (from Begin: Kapacitor never sets it in End).</summary>
    public bool ByName => Begin.ByName;

    /// <summary>The batch time, int64 nanoseconds since the Unix epoch (from End).</summary>
    public long Tmax => End.Tmax;

    /// <summary>The number of points.</summary>
    public int Count => Points.Count;

    /// <summary>The group-by dimensions: the group tags' keys, sorted, as Kapacitor derives them for a batch.</summary>
    public IReadOnlyList<string> Dimensions => _dimensions ??= SortedKeys(Begin.Tags);

    /// <summary>An output batch that echoes this one: Begin (name, group, tags, byName) and End (name, group, tags,
    /// tmax) copied, no points yet. Emitting it keeps the group, so downstream joins still match (kapacitor#2330).</summary>
    /// <returns>The builder.</returns>
    public BatchBuilder CreateOutput() => BatchBuilder.EchoOf(this);

    /// <summary>
    /// A stream point for one of this batch's points (batch → stream): the batch's name, group, byName and dimensions,
    /// with the point's time, tags and a copy of its fields. Database and retention policy stay empty, since Kapacitor
    /// does not send them with batches.
    /// </summary>
    /// <param name="point">A point of this batch.</param>
    /// <returns>A new point.</returns>
    public Point ToStreamPoint(Point point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var output = new Point
        {
            Time = point.Time,
            Name = Begin.Name,
            Group = Begin.Group,
            ByName = Begin.ByName,
        };
        output.Dimensions.AddRange(Dimensions);
        output.Tags.Add(point.Tags);
        output.FieldsDouble.Add(point.FieldsDouble);
        output.FieldsInt.Add(point.FieldsInt);
        output.FieldsString.Add(point.FieldsString);
        output.FieldsBool.Add(point.FieldsBool);
        return output;
    }

    internal static string[] SortedKeys(MapField<string, string> tags)
    {
        var keys = new string[tags.Count];
        var i = 0;
        foreach (var tag in tags)
        {
            keys[i++] = tag.Key;
        }

        Array.Sort(keys, StringComparer.Ordinal);
        return keys;
    }
}
