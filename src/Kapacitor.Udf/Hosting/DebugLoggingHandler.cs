using Kapacitor.Udf.Protocol;
using Serilog;
using Serilog.Events;

namespace Kapacitor.Udf;

/// <summary>
/// What <c>KAPACITOR_UDF_LOG_LEVEL=Debug</c> adds to a UDF's log: one line per management call Kapacitor makes
/// (Info, Init with the option calls it carried, Snapshot and Restore with their sizes) and one at the end (how many
/// points and batches came in). It wraps the handler only when Debug is enabled, so the data path of a UDF at the
/// default level is untouched.
/// </summary>
internal sealed class DebugLoggingHandler(UdfHandlerContext context, IUdfHandler inner) : IUdfHandler
{
    private long _points;
    private long _batches;

    public PointOwnership PointOwnership => inner.PointOwnership;

    // Each line goes through the context's logger of the moment: after Init it names the task and node.
    private ILogger Log => context.Logger;

    /// <summary>The factory, wrapped when <paramref name="log"/> writes Debug events; otherwise the factory itself.</summary>
    public static Func<UdfHandlerContext, IUdfHandler> Wrap(Func<UdfHandlerContext, IUdfHandler> factory, ILogger log) =>
        log.IsEnabled(LogEventLevel.Debug) ? ctx => new DebugLoggingHandler(ctx, factory(ctx)) : factory;

    public async ValueTask<InfoResponse> InfoAsync()
    {
        var info = await inner.InfoAsync().ConfigureAwait(false);
        Log.Debug("Info: wants {Wants}, provides {Provides}, {Options} option(s)", Name(info.Wants), Name(info.Provides), info.Options.Count);
        return info;
    }

    public async ValueTask<InitResponse> InitAsync(InitRequest request)
    {
        var response = await inner.InitAsync(request).ConfigureAwait(false);
        var calls = request.Options.Count == 0 ? "no option calls" : string.Join(", ", request.Options.Select(o => $".{o.Name}({o.Values.Count} value(s))"));
        if (response.Success)
        {
            Log.Debug("Init with {Calls}: accepted", calls);
        }
        else
        {
            Log.Debug("Init with {Calls}: refused: {Error}", calls, response.Error);
        }

        return response;
    }

    public async ValueTask<SnapshotResponse> SnapshotAsync()
    {
        var response = await inner.SnapshotAsync().ConfigureAwait(false);
        Log.Debug("Snapshot: {Bytes} bytes", response.Snapshot.Length);
        return response;
    }

    public async ValueTask<RestoreResponse> RestoreAsync(RestoreRequest request)
    {
        var response = await inner.RestoreAsync(request).ConfigureAwait(false);
        Log.Debug("Restore of {Bytes} bytes: {Outcome}", request.Snapshot.Length, response.Success ? "restored" : "refused: " + response.Error);
        return response;
    }

    public ValueTask BeginBatchAsync(BeginBatch begin)
    {
        _batches++;
        return inner.BeginBatchAsync(begin);
    }

    public ValueTask PointAsync(Point point)
    {
        _points++;
        return inner.PointAsync(point);
    }

    public ValueTask EndBatchAsync(EndBatch end) => inner.EndBatchAsync(end);

    public ValueTask StopAsync()
    {
        Log.Debug("Stop: {Points} point(s) came in ({Batches} batch(es))", _points, _batches);
        return inner.StopAsync();
    }

    private static string Name(EdgeType edge) => edge == EdgeType.Batch ? "BATCH" : "STREAM";
}
