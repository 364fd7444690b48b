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
        : base(context, EdgeType.Batch, EdgeType.Stream)
    {
    }

    /// <summary>One whole input batch (possibly empty).</summary>
    /// <inheritdoc cref="BatchUdf{TOptions}.OnBatchAsync(Batch)" path="/*[not(self::summary)]"/>
    protected abstract ValueTask OnBatchAsync(Batch batch);

    /// <summary>Emits a stream point, e.g. <c>batch.ToStreamPoint(point)</c>, which carries the batch's group.</summary>
    /// <inheritdoc cref="StreamUdf{TOptions}.EmitAsync(Point, CancellationToken)" path="/*[not(self::summary)]"/>
    protected ValueTask EmitAsync(Point point, CancellationToken cancellationToken = default) =>
        Context.EmitPointAsync(point, cancellationToken);

    private protected sealed override ValueTask OnBatchMessageAsync(Batch batch) => OnBatchAsync(batch);
}
