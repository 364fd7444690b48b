using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// Where a handler's data goes. Thread-safe: call it from the handler or from any other thread.
/// </summary>
/// <remarks>
/// Each call serializes its message before it returns, so the caller may reuse or change the objects afterwards.
/// Under back-pressure (Kapacitor not reading) the returned task completes only when there is room: output is
/// never buffered without bound. Data emitted before Kapacitor may receive it (before the Init/Restore answers)
/// is held back and released in order.
/// </remarks>
public interface IUdfOutput
{
    /// <summary>Emits one stream point.</summary>
    /// <param name="point">The point; copy name, database, retention policy, dimensions, byName and tags from
    /// the input so downstream groups (and joins) see the same group.</param>
    /// <param name="cancellationToken">Stops waiting for room; the point is then not sent.</param>
    /// <returns>A task that completes when the point is written.</returns>
    /// <exception cref="UdfOutputClosedException">The agent has stopped or failed.</exception>
    ValueTask EmitPointAsync(Point point, CancellationToken cancellationToken = default);

    /// <summary>Emits a whole batch as Begin, points, End, never interleaved with other output.</summary>
    /// <param name="begin">The batch header; its <c>size</c> is written as <c>points.Count</c>.</param>
    /// <param name="points">The points of the batch, in order.</param>
    /// <param name="end">The batch trailer; echo the input's EndBatch (name, tags, tmax) to keep the group.</param>
    /// <param name="cancellationToken">Stops waiting for room; the batch is then not sent.</param>
    /// <returns>A task that completes when the batch is written.</returns>
    /// <exception cref="UdfOutputClosedException">The agent has stopped or failed.</exception>
    ValueTask EmitBatchAsync(BeginBatch begin, IReadOnlyList<Point> points, EndBatch end, CancellationToken cancellationToken = default);
}
