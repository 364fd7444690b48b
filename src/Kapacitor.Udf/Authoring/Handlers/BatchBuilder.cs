using System.Text;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// An output batch that is always framed right: <see cref="EmitAsync"/> writes Begin, the points and End as one unit,
/// with <c>size</c> set to the real point count (requirements 21–22). Empty batches are fine.
/// </summary>
/// <remarks>
/// Kapacitor builds the output batch from <see cref="End"/> (name, tags, tmax) and <see cref="Begin"/>'s byName
/// (docs/protocol.md, "What Kapacitor does with a UDF's output"), so <see cref="Batch.CreateOutput"/> keeps the input's group; a builder made
/// with the constructor derives the group from the tags it is given. Output batch points need only time, tags and fields.
/// </remarks>
public sealed class BatchBuilder
{
    private readonly List<Point> _points = [];

    /// <summary>A new batch, not echoing an input (stream → batch).</summary>
    /// <param name="name">The measurement name.</param>
    /// <param name="tags">The group's tags (its dimensions and their values); none when <see langword="null"/>.</param>
    /// <param name="tmax">The batch time, int64 nanoseconds since the Unix epoch.</param>
    /// <param name="byName">Whether the measurement is part of the group.</param>
    public BatchBuilder(string name, IReadOnlyDictionary<string, string>? tags, long tmax, bool byName = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        Begin = new BeginBatch { Name = name, ByName = byName };
        End = new EndBatch { Name = name, Tmax = tmax };
        if (tags is not null)
        {
            foreach (var tag in tags)
            {
                Begin.Tags[tag.Key] = tag.Value;
                End.Tags[tag.Key] = tag.Value;
            }
        }

        Begin.Group = End.Group = GroupId(name, Begin.Tags, byName);
    }

    private BatchBuilder(BeginBatch begin, EndBatch end)
    {
        Begin = begin;
        End = end;
    }

    /// <summary>The Begin to send; its <c>size</c> is set when emitted.</summary>
    public BeginBatch Begin { get; }

    /// <summary>The End to send.</summary>
    public EndBatch End { get; }

    /// <summary>The points so far.</summary>
    public IReadOnlyList<Point> Points => _points;

    /// <summary>The number of points so far.</summary>
    public int Count => _points.Count;

    /// <summary>The batch time (End's tmax), int64 nanoseconds since the Unix epoch.</summary>
    public long Tmax
    {
        get => End.Tmax;
        set => End.Tmax = value;
    }

    // Batch.CreateOutput is the public way in: one name for one thing.
    internal static BatchBuilder EchoOf(Batch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchBuilder(input.Begin.Clone(), input.End.Clone());
    }

    /// <summary>Adds a point.</summary>
    /// <param name="point">The point (time, tags and fields are what Kapacitor keeps).</param>
    /// <returns>This builder.</returns>
    public BatchBuilder Add(Point point)
    {
        ArgumentNullException.ThrowIfNull(point);
        _points.Add(point);
        return this;
    }

    /// <summary>Adds points, in order.</summary>
    /// <param name="points">The points.</param>
    /// <returns>This builder.</returns>
    public BatchBuilder AddRange(IEnumerable<Point> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        foreach (var point in points)
        {
            Add(point);
        }

        return this;
    }

    /// <summary>Adds a new point at <paramref name="time"/> and returns it, to set its fields and tags.</summary>
    /// <param name="time">int64 nanoseconds since the Unix epoch.</param>
    /// <returns>The new point.</returns>
    public Point AddPoint(long time)
    {
        var point = new Point { Time = time };
        _points.Add(point);
        return point;
    }

    /// <summary>Emits the batch: Begin (size = <see cref="Count"/>), the points, End, never interleaved with other output.</summary>
    /// <param name="output">The output, e.g. the handler's <see cref="UdfHandlerContext"/>.</param>
    /// <param name="cancellationToken">Stops waiting for room; the batch is then not sent.</param>
    /// <returns>A task that completes when the batch is written; then the builder may be changed or reused.</returns>
    /// <exception cref="UdfOutputClosedException">The agent has stopped or failed.</exception>
    public ValueTask EmitAsync(IUdfOutput output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        Begin.Size = _points.Count;
        return output.EmitBatchAsync(Begin, _points, End, cancellationToken);
    }

    // Kapacitor's group ID for a batch [models/point.go ToGroupID], dimensions being the sorted tag keys.
    private static string GroupId(string name, Google.Protobuf.Collections.MapField<string, string> tags, bool byName)
    {
        if (tags.Count == 0)
        {
            return byName ? name : "";
        }

        var builder = new StringBuilder();
        if (byName)
        {
            builder.Append(name).Append('\n');
        }

        var keys = Batch.SortedKeys(tags);
        for (var i = 0; i < keys.Length; i++)
        {
            builder.Append(i == 0 ? "" : ",").Append(keys[i]).Append('=').Append(tags[keys[i]]);
        }

        return builder.ToString();
    }
}
