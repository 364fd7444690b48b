using System.Collections.Concurrent;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Support;

/// <summary>A handler whose every method is a replaceable delegate; by default a STREAM→STREAM echo.</summary>
internal sealed class TestHandler : IUdfHandler
{
    public TestHandler(UdfHandlerContext context)
    {
        Context = context;
        OnPoint = p => context.EmitPointAsync(p);
    }

    public UdfHandlerContext Context { get; }

    public InfoResponse Info { get; set; } = new() { Wants = EdgeType.Stream, Provides = EdgeType.Stream };

    /// <summary>Replaces the fixed <see cref="Info"/> answer when set (e.g. to throw).</summary>
    public Func<ValueTask<InfoResponse>>? OnInfo { get; set; }

    public Func<InitRequest, ValueTask<InitResponse>> OnInit { get; set; } =
        _ => ValueTask.FromResult(new InitResponse { Success = true });

    public Func<ValueTask<SnapshotResponse>>? OnSnapshot { get; set; }

    public Func<RestoreRequest, ValueTask<RestoreResponse>>? OnRestore { get; set; }

    public Func<BeginBatch, ValueTask>? OnBegin { get; set; }

    public Func<Point, ValueTask> OnPoint { get; set; }

    public Func<EndBatch, ValueTask>? OnEnd { get; set; }

    public Func<ValueTask>? OnStop { get; set; }

    /// <summary>Every call, in order, by method name.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public ValueTask<InfoResponse> InfoAsync()
    {
        Calls.Enqueue("Info");
        return OnInfo?.Invoke() ?? ValueTask.FromResult(Info);
    }

    public ValueTask<InitResponse> InitAsync(InitRequest request)
    {
        Calls.Enqueue("Init");
        return OnInit(request);
    }

    public ValueTask<SnapshotResponse> SnapshotAsync()
    {
        Calls.Enqueue("Snapshot");
        return OnSnapshot?.Invoke() ?? ValueTask.FromResult(new SnapshotResponse());
    }

    public ValueTask<RestoreResponse> RestoreAsync(RestoreRequest request)
    {
        Calls.Enqueue("Restore");
        return OnRestore?.Invoke(request) ?? ValueTask.FromResult(new RestoreResponse { Success = true });
    }

    public ValueTask BeginBatchAsync(BeginBatch begin)
    {
        Calls.Enqueue("BeginBatch");
        return OnBegin?.Invoke(begin) ?? ValueTask.CompletedTask;
    }

    public ValueTask PointAsync(Point point)
    {
        Calls.Enqueue("Point");
        return OnPoint(point);
    }

    public ValueTask EndBatchAsync(EndBatch end)
    {
        Calls.Enqueue("EndBatch");
        return OnEnd?.Invoke(end) ?? ValueTask.CompletedTask;
    }

    public ValueTask StopAsync()
    {
        Calls.Enqueue("Stop");
        return OnStop?.Invoke() ?? ValueTask.CompletedTask;
    }
}
