using Google.Protobuf;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.FaultyUdf;

/// <summary>
/// A mirror (STREAM→STREAM, or BATCH→STREAM emitting each batch point) that fails on demand: <c>@faulty().fault('point').faultAfter(3)</c> echoes three points
/// and throws on the fourth. Faults: <c>init</c>, <c>restore</c>, <c>snapshot</c> (after <c>faultAfter</c> good snapshots),
/// <c>point</c>, <c>background</c> (a background emitter throws), <c>hang</c> (a point call that never returns),
/// <c>block</c> (the point call at <c>faultAfter</c> creates <c>SIGNALS/blocked-TASKID</c>, then blocks its thread until
/// the file <c>SIGNALS/release</c> exists: <c>.signals('DIR')</c>), <c>lockstep</c> (every point call takes <c>.delayMs(N)</c>, then, from the second on,
/// blocks until the test has read the previous answer: the file <c>SIGNALS/read-K</c> for the previous point K).
/// Both block as a model or database client would, with the next point already queued. <c>starve</c> blocks every
/// thread-pool thread there is (and every one the pool adds later) from Init on, as careless user code could.
/// </summary>
internal sealed class FaultyHandler : IUdfHandler
{
    /// <summary>The text of every injected exception, so tests can find it in errors and logs.</summary>
    public const string Injected = "injected fault";

    private readonly UdfHandlerContext _context;
    private readonly EdgeType _wants;
    private readonly TaskCompletionSource _backgroundTrigger = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _fault = "";
    private long _faultAfter;
    private string _signals = "";
    private string _taskId = "";
    private long _delayMs;
    private long _points;
    private int _snapshots;

    public FaultyHandler(UdfHandlerContext context, EdgeType wants)
    {
        _context = context;
        _wants = wants;
    }

    public ValueTask<InfoResponse> InfoAsync() => ValueTask.FromResult(new InfoResponse
    {
        Wants = _wants,
        Provides = EdgeType.Stream,
        Options =
        {
            ["fault"] = new OptionInfo { ValueTypes = { Protocol.ValueType.String } },
            ["faultAfter"] = new OptionInfo { ValueTypes = { Protocol.ValueType.Int } },
            ["signals"] = new OptionInfo { ValueTypes = { Protocol.ValueType.String } },
            ["delayMs"] = new OptionInfo { ValueTypes = { Protocol.ValueType.Int } },
        },
    });

    public ValueTask<InitResponse> InitAsync(InitRequest request)
    {
        _taskId = request.TaskID;
        foreach (var option in request.Options)
        {
            switch (option.Name)
            {
                case "fault":
                    _fault = option.Values[0].StringValue;
                    break;
                case "faultAfter":
                    _faultAfter = option.Values[0].IntValue;
                    break;
                case "signals":
                    _signals = option.Values[0].StringValue;
                    break;
                case "delayMs":
                    _delayMs = option.Values[0].IntValue;
                    break;
            }
        }

        if (_fault == "init")
        {
            throw new InvalidOperationException($"{Injected} in Init");
        }

        if (_fault == "starve")
        {
            StarveThreadPool();
        }

        if (_fault == "background")
        {
            _context.StartBackground("emitter", async stopping =>
            {
                await _backgroundTrigger.Task.WaitAsync(stopping);
                throw new InvalidOperationException($"{Injected} on a background thread");
            });
        }

        return ValueTask.FromResult(new InitResponse { Success = true });
    }

    public ValueTask<SnapshotResponse> SnapshotAsync()
    {
        // faultAfter counts good snapshots as it counts good points: 0 fails the first, leaving only a restored one.
        if (_fault == "snapshot" && ++_snapshots > _faultAfter)
        {
            throw new InvalidOperationException($"{Injected} in Snapshot");
        }

        return ValueTask.FromResult(new SnapshotResponse { Snapshot = ByteString.CopyFromUtf8($"points={_points}") });
    }

    public ValueTask<RestoreResponse> RestoreAsync(RestoreRequest request) => _fault == "restore"
        ? throw new InvalidOperationException($"{Injected} in Restore")
        : ValueTask.FromResult(new RestoreResponse { Success = true });

    public ValueTask BeginBatchAsync(BeginBatch begin) => ValueTask.CompletedTask;

    public ValueTask PointAsync(Point point)
    {
        if (_fault == "lockstep")
        {
            Thread.Sleep((int)_delayMs);
            if (_points > 0)
            {
                WaitForFile($"read-{_points - 1}");
            }
        }

        if (_points++ == _faultAfter)
        {
            switch (_fault)
            {
                case "point":
                    throw new InvalidOperationException($"{Injected} at point {_faultAfter}");
                case "hang":
                    // A call that never returns, blocking its thread as a deadlocked handler would.
                    Thread.Sleep(Timeout.Infinite);
                    break;
                case "background":
                    _backgroundTrigger.TrySetResult();
                    break;
                case "block":
                    // Tells the test this call is blocked (its thread held), then waits to be released.
                    File.WriteAllText(Path.Combine(_signals, $"blocked-{_taskId}"), "");
                    WaitForFile("release");
                    break;
            }
        }

        return _context.EmitPointAsync(point);
    }

    // Work items that never return, more than the pool has threads, and a timer that queues more every 100 ms.
    private static void StarveThreadPool()
    {
        static void Block() => ThreadPool.UnsafeQueueUserWorkItem(static _ => Thread.Sleep(Timeout.Infinite), null);
        for (var i = 0; i < 4 * Environment.ProcessorCount + 16; i++)
        {
            Block();
        }

        var more = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(100);
                Block();
            }
        }) { IsBackground = true };
        more.Start();
    }

    // Blocks the calling thread, as a synchronous client call would, until the test creates the file.
    private void WaitForFile(string name)
    {
        var path = Path.Combine(_signals, name);
        while (!File.Exists(path))
        {
            Thread.Sleep(5);
        }
    }

    public ValueTask EndBatchAsync(EndBatch end) => ValueTask.CompletedTask;

    public ValueTask StopAsync() => ValueTask.CompletedTask;
}
