using System.Text.Json.Serialization.Metadata;
using Kapacitor.Udf.Protocol;
using Serilog;

namespace Kapacitor.Udf;

/// <summary>What a one-file UDF's <c>init</c> and handler get (<see cref="UdfFunction"/>): options, logger, task and node,
/// a snapshotted key/value store, and the output.</summary>
/// <typeparam name="TOptions">The options class (see <see cref="UdfOptions"/>).</typeparam>
public sealed class UdfFunctionContext<[UdfOptionsClass] TOptions>
    where TOptions : class
{
    private readonly Func<TOptions> _options;

    internal UdfFunctionContext(UdfHandlerContext context, Func<TOptions> options, IJsonTypeInfoResolver? storeTypes)
    {
        UdfHandlerContext = context;
        _options = options;
        Store = new StateStore(() => context.Logger, storeTypes);
    }

    /// <summary>The options the TICKscript set, bound and validated.</summary>
    public TOptions Options => _options();

    /// <summary>The logger; its events carry the task and node IDs.</summary>
    public ILogger Logger => UdfHandlerContext.Logger;

    /// <summary>The Kapacitor task ID.</summary>
    public string TaskId => UdfHandlerContext.TaskId;

    /// <summary>The node name, e.g. <c>myUdf2</c>.</summary>
    public string NodeId => UdfHandlerContext.NodeId;

    /// <summary>State that survives a task restart through Kapacitor's snapshots.</summary>
    public StateStore Store { get; }

    /// <summary>Cancelled when the agent stops or fails.</summary>
    public CancellationToken Stopping => UdfHandlerContext.Stopping;

    /// <summary>The underlying connection context, for background work (<see cref="UdfHandlerContext.StartBackground"/>).</summary>
    public UdfHandlerContext UdfHandlerContext { get; }

    /// <summary>Emits a stream point (stream UDFs); keep the input's name, tags and dimensions (e.g.
    /// <see cref="PointExtensions.CreateOutput"/>) so downstream groups survive.</summary>
    /// <param name="point">The point.</param>
    /// <param name="cancellationToken">Stops waiting for room.</param>
    /// <returns>A task that completes when the point is written.</returns>
    /// <exception cref="UdfOutputClosedException">The agent has stopped or failed.</exception>
    public ValueTask EmitAsync(Point point, CancellationToken cancellationToken = default) =>
        UdfHandlerContext.EmitPointAsync(point, cancellationToken);

    /// <summary>Emits a batch (batch UDFs), framed as Begin, points, End with the real size.</summary>
    /// <param name="batch">The batch, e.g. <c>batch.CreateOutput()</c> plus points.</param>
    /// <param name="cancellationToken">Stops waiting for room.</param>
    /// <returns>A task that completes when the batch is written.</returns>
    /// <exception cref="UdfOutputClosedException">The agent has stopped or failed.</exception>
    public ValueTask EmitAsync(BatchBuilder batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.EmitAsync(UdfHandlerContext, cancellationToken);
    }
}
