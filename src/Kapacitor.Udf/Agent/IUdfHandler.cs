using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// The user's UDF: what Kapacitor's requests are turned into.
/// </summary>
/// <remarks>
/// <para><b>Concurrency contract.</b> The agent calls a handler from one worker thread, one call at a time,
/// in the order the requests arrived; a call's returned <see cref="ValueTask"/> is awaited before the next
/// call starts. Keepalives never reach the handler: the agent answers them itself, also while a call runs.</para>
/// <para><b>Why <see cref="ValueTask"/>.</b> Handlers may do I/O (a model server, a database); a handler that
/// finishes synchronously returns a completed <see cref="ValueTask"/> at no cost.</para>
/// <para><b>Output.</b> Data (points, batches) is emitted through the <see cref="UdfHandlerContext"/> the handler was
/// created with, from any thread and at any time; management answers are the return values here.</para>
/// <para><b>Errors.</b> An exception from <see cref="InitAsync"/> or <see cref="RestoreAsync"/> becomes
/// <c>success=false</c>; from <see cref="SnapshotAsync"/> it is logged and the last good snapshot is answered;
/// from any other method it becomes Kapacitor's <c>ErrorResponse</c> and ends the connection.</para>
/// </remarks>
public interface IUdfHandler
{
    /// <summary>Describes the UDF: edge types and options. May be called more than once (also to validate
    /// the edge types of incoming data), so it must be cheap and free of side effects.</summary>
    /// <returns>The edge types and option table.</returns>
    ValueTask<InfoResponse> InfoAsync();

    /// <summary>Receives the TICKscript's options. Validate them here: an error text is shown to the user
    /// as <c>failed to initialize processes &lt;error&gt;</c>.</summary>
    /// <param name="request">The options, one entry per property call, plus task and node IDs.</param>
    /// <returns><c>success=true</c>, or <c>success=false</c> with a message naming the fix.</returns>
    ValueTask<InitResponse> InitAsync(InitRequest request);

    /// <summary>Returns the state to store. The default is an empty snapshot, which Kapacitor stores as nothing.</summary>
    /// <returns>The serialized state.</returns>
    ValueTask<SnapshotResponse> SnapshotAsync() => ValueTask.FromResult(new SnapshotResponse());

    /// <summary>Restores state that <see cref="SnapshotAsync"/> produced earlier. Only called with non-empty
    /// bytes. The default accepts anything.</summary>
    /// <param name="request">The stored bytes, unchanged.</param>
    /// <returns><c>success=true</c>; <c>success=false</c> fails the task on every start until it is deleted.</returns>
    ValueTask<RestoreResponse> RestoreAsync(RestoreRequest request) =>
        ValueTask.FromResult(new RestoreResponse { Success = true });

    /// <summary>A batch starts (batch edges only). The default rejects batches.</summary>
    /// <param name="begin">Name, group, group tags, size hint and byName of the batch.</param>
    /// <returns>A task that completes when the call is done.</returns>
    ValueTask BeginBatchAsync(BeginBatch begin) => throw new NotSupportedException("batching not supported");

    /// <summary>A stream point, or a point inside a batch.</summary>
    /// <param name="point">The point; the handler owns it and may keep it.</param>
    /// <returns>A task that completes when the call is done.</returns>
    ValueTask PointAsync(Point point);

    /// <summary>A batch ends (batch edges only). The default rejects batches.</summary>
    /// <param name="end">Name, group, tags and tmax of the batch; echo it to keep the group.</param>
    /// <returns>A task that completes when the call is done.</returns>
    ValueTask EndBatchAsync(EndBatch end) => throw new NotSupportedException("batching not supported");

    /// <summary>Whether points passed to <see cref="PointAsync"/> may be kept (<see cref="PointOwnership.Owned"/>, the
    /// default) or are reused by the agent after the call (<see cref="PointOwnership.Borrowed"/>, faster). Read once.</summary>
    PointOwnership PointOwnership => PointOwnership.Owned;

    /// <summary>The last call, exactly once, after the input ended or the agent failed: release resources here.</summary>
    /// <returns>A task that completes when cleanup is done.</returns>
    ValueTask StopAsync() => ValueTask.CompletedTask;
}
