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
        : base(context)
    {
        _context = new UdfFunctionContext<TOptions>(context, () => Options, storeTypes);
        _init = init;
        _point = point;
        _batch = batch;
        UseSnapshots(new SnapshotCodec<Dictionary<string, object>>(stateVersion, _context.Store.Serializer), _context.Store.Save, _context.Store.Load);
    }

    private protected override EdgeType Wants => _point is null ? EdgeType.Batch : EdgeType.Stream;

    private protected override EdgeType Provides => Wants;

    public static FunctionUdf<TOptions> ForPoints(UdfHandlerContext context, Action<UdfFunctionContext<TOptions>>? init, Func<UdfFunctionContext<TOptions>, Point, ValueTask> point, int stateVersion, IJsonTypeInfoResolver? storeTypes) =>
        new(context, init, point, null, stateVersion, storeTypes);

    public static FunctionUdf<TOptions> ForBatches(UdfHandlerContext context, Action<UdfFunctionContext<TOptions>>? init, Func<UdfFunctionContext<TOptions>, Batch, ValueTask> batch, int stateVersion, IJsonTypeInfoResolver? storeTypes) =>
        new(context, init, null, batch, stateVersion, storeTypes);

    protected override ValueTask OnInitAsync()
    {
        _init?.Invoke(_context);
        return ValueTask.CompletedTask;
    }

    private protected override ValueTask OnPointMessageAsync(Point point) => _point!(_context, point);

    private protected override ValueTask OnBatchMessageAsync(Batch batch) => _batch!(_context, batch);
}
