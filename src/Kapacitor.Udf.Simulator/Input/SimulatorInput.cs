using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Simulator.LineProtocol;

namespace Kapacitor.Udf.Simulator.Input;

/// <summary>
/// What the simulated Kapacitor feeds the UDF: raw points, which the simulator groups (and windows, for a UDF that
/// wants BATCH), or ready batches from a batch recording. Read one item at a time while the task runs, so an input of
/// any size streams through in bounded memory, and a live source (a pipe, a terminal) is sent line by line.
/// </summary>
/// <remarks>Errors in the input surface while the task runs: the task is then stopped as at the end of input, and the
/// run's <see cref="ViolationKind.InputFailed"/> violation names the line or record (and the byte offset in a recording).</remarks>
public abstract class SimulatorInput : IDisposable
{
    private protected SimulatorInput()
    {
    }

    /// <summary>Whether the input is batches (a batch recording) rather than points.</summary>
    public abstract bool IsBatches { get; }

    /// <summary>Raw points (name, tags, fields, time; optionally database and retention policy), e.g. from
    /// <see cref="LineProtocolReader"/>; enumerated lazily, and each point is sent as soon as it is enumerated.</summary>
    /// <param name="points">The points; they are modified as they are sent (grouping fields filled in).</param>
    /// <returns>The input.</returns>
    public static SimulatorInput FromPoints(IEnumerable<Point> points) => new PointsInput(points ?? throw new ArgumentNullException(nameof(points)));

    /// <summary>InfluxDB line protocol read from a stream as it arrives; the stream is disposed with the input.</summary>
    /// <param name="stream">The line protocol (a file, STDIN, a pipe).</param>
    /// <param name="defaults">Times for lines without one; <see cref="TimestampDefaults.Default"/> when omitted.</param>
    /// <returns>The input.</returns>
    public static SimulatorInput FromLineProtocol(Stream stream, TimestampDefaults? defaults = null) =>
        new LineProtocolInput(stream ?? throw new ArgumentNullException(nameof(stream)), defaults ?? TimestampDefaults.Default);

    /// <summary>
    /// A recording made by <c>kapacitor record</c>: a stream recording (<c>.srpl</c>, gzip: records of database,
    /// retention policy and one line-protocol point) or a batch recording (<c>.brpl</c>, zip: one entry per query node,
    /// one batch per JSON line). The kind is told from the file's first bytes.
    /// </summary>
    /// <param name="path">The recording.</param>
    /// <param name="source">For a batch recording, the entry (query node) to replay; required when it has several.</param>
    /// <returns>The input.</returns>
    /// <exception cref="RecordingException">The file is not a recording, the zip is corrupt, or the source is missing or ambiguous.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SimulatorInput FromRecording(string path, int? source = null) => Recording.Open(path, source);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    // The next point or batch; InputItem.End at the end. `idle` is awaited before any read that may wait for the source.
    internal abstract ValueTask<InputItem> ReadAsync(Func<ValueTask> idle, CancellationToken stop);

    // The next item when it is already read in (no waiting, no async machinery per point); false to call ReadAsync.
    internal virtual bool TryRead(out InputItem item)
    {
        item = default;
        return false;
    }

    /// <summary>Releases the source.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}

// One item of input: a point (or a line taken apart where it lies, valid until the next read) or a ready batch;
// none of them at the end.
internal readonly record struct InputItem(Point? Point, InputBatch? Batch, RawPoint? Raw = null)
{
    public static InputItem End => default;

    public bool IsEnd => Point is null && Batch is null && Raw is null;
}
