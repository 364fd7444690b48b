using System.Text.Json.Serialization.Metadata;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>The stream UDF behind <see cref="UdfFunction.Stream{TOptions}(Func{UdfFunctionContext{TOptions}, Point, ValueTask}, Action{UdfFunctionContext{TOptions}}, int, IJsonTypeInfoResolver)"/>.</summary>
internal sealed class FunctionStreamUdf<TOptions> : StreamUdf<TOptions>
    where TOptions : class
{
    private readonly UdfFunctionContext<TOptions> _context;
    private readonly Action<UdfFunctionContext<TOptions>>? _init;
    private readonly Func<UdfFunctionContext<TOptions>, Point, ValueTask> _point;

    public FunctionStreamUdf(UdfHandlerContext context, Action<UdfFunctionContext<TOptions>>? init, Func<UdfFunctionContext<TOptions>, Point, ValueTask> point, int stateVersion, IJsonTypeInfoResolver? storeTypes)
        : base(context)
    {
        _context = new UdfFunctionContext<TOptions>(context, () => Options, storeTypes);
        _init = init;
        _point = point;
        UseSnapshots(new SnapshotCodec<Dictionary<string, object>>(stateVersion, _context.Store.Serializer), _context.Store.Save, _context.Store.Load);
    }

    protected override ValueTask OnInitAsync()
    {
        _init?.Invoke(_context);
        return ValueTask.CompletedTask;
    }

    protected override ValueTask OnPointAsync(Point point) => _point(_context, point);
}

/// <summary>The batch UDF behind <see cref="UdfFunction.Batch{TOptions}(Func{UdfFunctionContext{TOptions}, Batch, ValueTask}, Action{UdfFunctionContext{TOptions}}, int, IJsonTypeInfoResolver)"/>.</summary>
internal sealed class FunctionBatchUdf<TOptions> : BatchUdf<TOptions>
    where TOptions : class
{
    private readonly UdfFunctionContext<TOptions> _context;
    private readonly Action<UdfFunctionContext<TOptions>>? _init;
    private readonly Func<UdfFunctionContext<TOptions>, Batch, ValueTask> _batch;

    public FunctionBatchUdf(UdfHandlerContext context, Action<UdfFunctionContext<TOptions>>? init, Func<UdfFunctionContext<TOptions>, Batch, ValueTask> batch, int stateVersion, IJsonTypeInfoResolver? storeTypes)
        : base(context)
    {
        _context = new UdfFunctionContext<TOptions>(context, () => Options, storeTypes);
        _init = init;
        _batch = batch;
        UseSnapshots(new SnapshotCodec<Dictionary<string, object>>(stateVersion, _context.Store.Serializer), _context.Store.Save, _context.Store.Load);
    }

    protected override ValueTask OnInitAsync()
    {
        _init?.Invoke(_context);
        return ValueTask.CompletedTask;
    }

    protected override ValueTask OnBatchAsync(Batch batch) => _batch(_context, batch);
}
