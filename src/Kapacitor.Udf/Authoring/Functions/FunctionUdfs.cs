using System.Text.Json.Serialization.Metadata;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>The UDF behind <see cref="UdfFunction"/>: a stream → stream UDF when given a point handler, a batch → batch
/// UDF when given a batch handler; <c>ctx.Store</c> is its snapshot.</summary>
internal sealed class FunctionUdf<TOptions> : UdfHandler<TOptions>
    where TOptions : class
{
    private readonly UdfFunctionContext<TOptions> _context;
    private readonly Action<UdfFunctionContext<TOptions>>? _init;
    private readonly Func<UdfFunctionContext<TOptions>, Point, ValueTask>? _point;
    private readonly Func<UdfFunctionContext<TOptions>, Batch, ValueTask>? _batch;

    private FunctionUdf(UdfHandlerContext context, Action<UdfFunctionContext<TOptions>>? init, Func<UdfFunctionContext<TOptions>, Point, ValueTask>? point, Func<UdfFunctionContext<TOptions>, Batch, ValueTask>? batch, int stateVersion, IJsonTypeInfoResolver? storeTypes)
        : base(context, EdgeOf(point), EdgeOf(point))
    {
        _context = new UdfFunctionContext<TOptions>(context, () => Options, storeTypes);
        _init = init;
        _point = point;
        _batch = batch;
        UseSnapshots(new SnapshotCodec<Dictionary<string, object>>(stateVersion, _context.Store.Serializer), _context.Store.Save, _context.Store.Load);
    }

    /// <summary>The handler factory for <see cref="UdfFunction"/>: exactly one of <paramref name="point"/> and
    /// <paramref name="batch"/> is given.</summary>
    public static Func<UdfHandlerContext, IUdfHandler> Factory(Action<UdfFunctionContext<TOptions>>? init, Func<UdfFunctionContext<TOptions>, Point, ValueTask>? point, Func<UdfFunctionContext<TOptions>, Batch, ValueTask>? batch, int stateVersion, IJsonTypeInfoResolver? storeTypes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stateVersion);
        return context => new FunctionUdf<TOptions>(context, init, point, batch, stateVersion, storeTypes);
    }

    // Points in and out, or batches in and out.
    private static EdgeType EdgeOf(Func<UdfFunctionContext<TOptions>, Point, ValueTask>? point) => point is null ? EdgeType.Batch : EdgeType.Stream;

    protected override ValueTask OnInitAsync()
    {
        _init?.Invoke(_context);
        return ValueTask.CompletedTask;
    }

    private protected override ValueTask OnPointMessageAsync(Point point) => _point!(_context, point);

    private protected override ValueTask OnBatchMessageAsync(Batch batch) => _batch!(_context, batch);
}
