using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// A batch → stream UDF: each input batch arrives whole in <see cref="OnBatchAsync"/>, and the output is stream
/// points, typically one per interesting batch point (<see cref="Batch.ToStreamPoint"/>): N alerts rather than one
/// batch of N rows.
/// </summary>
/// <typeparam name="TOptions">The options class (see <see cref="UdfOptions"/>); <see cref="NoOptions"/> for none.</typeparam>
public abstract class BatchToStreamUdf<[UdfOptionsClass] TOptions> : UdfHandler<TOptions>
    where TOptions : class
{
    /// <summary>Creates the handler for one connection.</summary>
    /// <param name="context">The connection's context, from the factory given to <c>UdfHost.RunAsync</c>.</param>
    protected BatchToStreamUdf(UdfHandlerContext context)
        : base(context)
    {
    }

    private protected sealed override EdgeType Wants => EdgeType.Batch;

    private protected sealed override EdgeType Provides => EdgeType.Stream;

    /// <summary>One whole input batch (possibly empty).</summary>
    /// <param name="batch">The batch; yours to keep.</param>
    /// <returns>A task that completes when the batch is handled.</returns>
    protected abstract ValueTask OnBatchAsync(Batch batch);

    /// <summary>Emits a stream point, e.g. <c>batch.ToStreamPoint(point)</c>, which carries the batch's group.</summary>
    /// <param name="point">The point.</param>
    /// <param name="cancellationToken">Stops waiting for room.</param>
    /// <returns>A task that completes when the point is written.</returns>
    /// <exception cref="UdfOutputClosedException">The agent has stopped or failed.</exception>
    protected ValueTask EmitAsync(Point point, CancellationToken cancellationToken = default) =>
        Context.EmitPointAsync(point, cancellationToken);

    private protected sealed override ValueTask OnBatchMessageAsync(Batch batch) => OnBatchAsync(batch);
}
