using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// A stream → stream UDF: one <see cref="OnPointAsync"/> call per point, points out through <see cref="EmitAsync"/>.
/// </summary>
/// <example>
/// <code>
/// sealed class Scale(UdfHandlerContext context) : StreamUdf&lt;ScaleOptions&gt;(context)
/// {
///     protected override ValueTask OnPointAsync(Point point) =>
///         EmitAsync(point.CreateOutput().SetField(Options.As, point.FieldsDouble[Options.Field] * Options.Factor));
/// }
/// </code>
/// </example>
/// <typeparam name="TOptions">The options class (see <see cref="UdfOptions"/>); <see cref="NoOptions"/> for none.</typeparam>
public abstract class StreamUdf<[UdfOptionsClass] TOptions> : UdfHandler<TOptions>
    where TOptions : class
{
    /// <summary>Creates the handler for one connection.</summary>
    /// <param name="context">The connection's context, from the factory given to <c>UdfHost.RunAsync</c>.</param>
    protected StreamUdf(UdfHandlerContext context)
        : base(context, EdgeType.Stream, EdgeType.Stream)
    {
    }

    /// <summary>One stream point, fully populated (time, name, database, retention policy, group, dimensions, byName,
    /// tags, fields). The point is yours: change it and emit it, keep it, or drop it.</summary>
    /// <param name="point">The point.</param>
    /// <returns>A task that completes when the point is handled; await emits so back-pressure reaches Kapacitor.</returns>
    protected abstract ValueTask OnPointAsync(Point point);

    /// <summary>Emits a stream point. Build it from the input (<see cref="PointExtensions.CreateOutput"/>) or change the
    /// input itself, so name, tags and dimensions, and with them the downstream group, stay the same.</summary>
    /// <param name="point">The point; serialized before the returned task completes, so it may be reused after.</param>
    /// <param name="cancellationToken">Stops waiting for room.</param>
    /// <returns>A task that completes when the point is written.</returns>
    /// <exception cref="UdfOutputClosedException">The agent has stopped or failed.</exception>
    protected ValueTask EmitAsync(Point point, CancellationToken cancellationToken = default) =>
        Context.EmitPointAsync(point, cancellationToken);

    private protected sealed override ValueTask OnPointMessageAsync(Point point) => OnPointAsync(point);
}
