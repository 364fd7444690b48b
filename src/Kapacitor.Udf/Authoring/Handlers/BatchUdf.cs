using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// A batch → batch UDF: each input batch arrives whole in <see cref="OnBatchAsync"/>; output batches go out through a
/// <see cref="BatchBuilder"/>, usually <see cref="Batch.CreateOutput"/>, which echoes the input's Begin and End.
/// </summary>
/// <example>
/// <code>
/// sealed class Top(UdfHandlerContext context) : BatchUdf&lt;TopOptions&gt;(context)
/// {
///     protected override ValueTask OnBatchAsync(Batch batch)
///     {
///         var output = batch.CreateOutput();
///         foreach (var point in batch.Points)
///         {
///             if (point.FieldsDouble.GetValueOrDefault(Options.Field) &gt; Options.Above) output.Add(point);
///         }
///
///         return EmitAsync(output);
///     }
/// }
/// </code>
/// </example>
/// <typeparam name="TOptions">The options class (see <see cref="UdfOptions"/>); <see cref="NoOptions"/> for none.</typeparam>
public abstract class BatchUdf<[UdfOptionsClass] TOptions> : UdfHandler<TOptions>
    where TOptions : class
{
    /// <summary>Creates the handler for one connection.</summary>
    /// <param name="context">The connection's context, from the factory given to <c>UdfHost.RunAsync</c>.</param>
    protected BatchUdf(UdfHandlerContext context)
        : base(context, EdgeType.Batch, EdgeType.Batch)
    {
    }

    /// <summary>One whole input batch (possibly empty). Take its metadata from the batch, not from its points.</summary>
    /// <param name="batch">The batch; yours to keep.</param>
    /// <returns>A task that completes when the batch is handled.</returns>
    protected abstract ValueTask OnBatchAsync(Batch batch);

    /// <summary>Emits a batch, framed as Begin, points, End with the real size.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="cancellationToken">Stops waiting for room.</param>
    /// <returns>A task that completes when the batch is written.</returns>
    /// <exception cref="UdfOutputClosedException">The agent has stopped or failed.</exception>
    protected ValueTask EmitAsync(BatchBuilder batch, CancellationToken cancellationToken = default) =>
        EmitBatchAsync(batch, cancellationToken);

    private protected sealed override ValueTask OnBatchMessageAsync(Batch batch) => OnBatchAsync(batch);
}
