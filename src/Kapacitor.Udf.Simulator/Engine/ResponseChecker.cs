using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Engine;

// Judges every response on one connection the way Kapacitor's reader would treat it [udf/server.go handleResponse],
// and hands management responses to whoever asked for them. Called by the reader loop (responses, end of output)
// and the driver (expectations); one lock covers both. Violations are returned, not raised, so the caller reports
// them outside the lock. Responses and outputs are kept only when asked (keep); otherwise memory stays constant
// whatever the UDF sends: counts, and the state of the open batch.
internal sealed class ResponseChecker
{
    private readonly object _gate = new();
    private readonly SimulationPhase _phase;
    private readonly EdgeType? _provides;
    private readonly bool _restoreExpected;
    private readonly bool _keep;
    private readonly HashSet<ViolationKind> _reported = [];
    private readonly HashSet<string> _unsolicited = new(StringComparer.Ordinal);
    private readonly List<Response> _responses = [];
    private readonly List<UdfOutput> _outputs = [];

    private TaskCompletionSource<InfoResponse?>? _info;
    private TaskCompletionSource<InitResponse?>? _init;
    private TaskCompletionSource<RestoreResponse?>? _restore;
    private TaskCompletionSource<SnapshotResponse?>? _snapshot;
    private bool _infoAnswered;
    private bool _initAnswered;
    private bool _restoreAnswered;
    private BeginBatch? _openBegin;
    private List<Point> _openPoints = [];
    private long _openCount;
    private int _keepalivesAnswered;
    private long _pointsReceived;
    private long _batchesReceived;

    // provides: null on the Info probe, where no data is expected at all.
    public ResponseChecker(SimulationPhase phase, EdgeType? provides, bool restoreExpected, bool keep)
    {
        _phase = phase;
        _provides = provides;
        _restoreExpected = restoreExpected;
        _keep = keep;
    }

    // Data points received: stream points and points inside batches.
    public long PointsReceived
    {
        get
        {
            lock (_gate)
            {
                return _pointsReceived;
            }
        }
    }

    // Batches closed by an EndBatch.
    public long BatchesReceived
    {
        get
        {
            lock (_gate)
            {
                return _batchesReceived;
            }
        }
    }

    public IReadOnlyList<Response> Responses
    {
        get
        {
            lock (_gate)
            {
                return _responses.ToArray();
            }
        }
    }

    public IReadOnlyList<UdfOutput> Outputs
    {
        get
        {
            lock (_gate)
            {
                return _outputs.ToArray();
            }
        }
    }

    public int KeepalivesAnswered
    {
        get
        {
            lock (_gate)
            {
                return _keepalivesAnswered;
            }
        }
    }

    public bool InfoAnswered
    {
        get
        {
            lock (_gate)
            {
                return _infoAnswered;
            }
        }
    }

    public Task<InfoResponse?> ExpectInfo() => Expect(ref _info);

    public Task<InitResponse?> ExpectInit() => Expect(ref _init);

    public Task<RestoreResponse?> ExpectRestore() => Expect(ref _restore);

    public Task<SnapshotResponse?> ExpectSnapshot() => Expect(ref _snapshot);

    public List<Violation>? OnResponse(Response response)
    {
        List<Violation>? violations = null;
        lock (_gate)
        {
            if (_keep)
            {
                _responses.Add(response);
            }

            switch (response.MessageCase)
            {
                case Response.MessageOneofCase.None:
                    Add(ref violations, ViolationKind.EmptyResponse, fatal: true,
                        "a Response with no message set (empty payload, or unknown fields only): kapacitord panics with " +
                        "\"unexpected response message <nil>\" and the whole daemon dies (influxdata/kapacitor#2132)");
                    break;
                case Response.MessageOneofCase.Keepalive:
                    _keepalivesAnswered++;
                    break;
                case Response.MessageOneofCase.Info:
                    _infoAnswered |= Answer(ref _info, response.Info, "Info", ref violations);
                    break;
                case Response.MessageOneofCase.Init:
                    _initAnswered |= Answer(ref _init, response.Init, "Init", ref violations);
                    break;
                case Response.MessageOneofCase.Restore:
                    _restoreAnswered |= Answer(ref _restore, response.Restore, "Restore", ref violations);
                    break;
                case Response.MessageOneofCase.Snapshot:
                    Answer(ref _snapshot, response.Snapshot, "Snapshot", ref violations);
                    break;
                case Response.MessageOneofCase.Error:
                    Add(ref violations, ViolationKind.ErrorResponse, fatal: true, response.Error.Error);
                    break;
                case Response.MessageOneofCase.Begin:
                    if (CheckData("a BeginBatch", ref violations))
                    {
                        OnBegin(response.Begin, ref violations);
                    }

                    break;
                case Response.MessageOneofCase.Point:
                    if (CheckData("a point", ref violations))
                    {
                        OnPoint(response.Point, ref violations);
                    }

                    break;
                case Response.MessageOneofCase.End:
                    if (CheckData("an EndBatch", ref violations))
                    {
                        OnEnd(response.End, ref violations);
                    }

                    break;
            }
        }

        return violations;
    }

    // A Response{point} that the caller handled still encoded (KeepResponses off): judged and counted as OnResponse
    // would, without a Point. Only outside a batch: the caller checks IsBatchOpen first.
    public List<Violation>? OnEncodedPoint()
    {
        List<Violation>? violations = null;
        lock (_gate)
        {
            if (CheckData("a point", ref violations))
            {
                OnPoint(null, ref violations);
            }
        }

        return violations;
    }

    // Whether a BeginBatch is open; without the lock, for the reader, the only thread that changes it.
    public bool IsBatchOpen => Volatile.Read(ref _openBegin) is not null;

    // The output ended: whoever still waits for an answer gets null, and an open batch is lost.
    public List<Violation>? OnEndOfOutput()
    {
        List<Violation>? violations = null;
        lock (_gate)
        {
            _info?.TrySetResult(null);
            _init?.TrySetResult(null);
            _restore?.TrySetResult(null);
            _snapshot?.TrySetResult(null);
            if (_openBegin is not null)
            {
                Add(ref violations, ViolationKind.UnterminatedBatch, fatal: false,
                    $"the output ended inside a batch (BeginBatch and {_openCount} point(s), no EndBatch): Kapacitor forwards nothing for it");
                CloseBatch(null);
            }
        }

        return violations;
    }

    private Task<T?> Expect<T>(ref TaskCompletionSource<T?>? slot)
        where T : class
    {
        lock (_gate)
        {
            slot = new TaskCompletionSource<T?>(TaskCreationOptions.RunContinuationsAsynchronously);
            return slot.Task;
        }
    }

    // Kapacitor keeps one slot per response type: an answer nobody asked for is kept and returned as the answer to
    // the next request of that type, or logged and dropped when the slot is full [udf/server.go doResponse].
    private bool Answer<T>(ref TaskCompletionSource<T?>? slot, T message, string type, ref List<Violation>? violations)
        where T : class
    {
        if (slot is not null && slot.TrySetResult(message))
        {
            slot = null;
            return true;
        }

        if (!_unsolicited.Add(type))
        {
            return false;
        }

        // Reported once per response type, however often it repeats.
        Add(ref violations, ViolationKind.UnsolicitedResponse, fatal: false,
            $"unsolicited {type}Response: no {type}Request is outstanding. Kapacitor keeps it and returns it as the answer to the " +
            $"next {type}Request (a stale answer), or logs \"received message without requesting it\"");
        return false;
    }

    private bool CheckData(string what, ref List<Violation>? violations)
    {
        if (_provides is null)
        {
            AddOnce(ref violations, ViolationKind.UnexpectedResponse, fatal: false,
                $"{what} on the Info-probe connection: Kapacitor expects only an InfoResponse (and keepalive responses) there");
            return false;
        }

        if (!_initAnswered)
        {
            AddOnce(ref violations, ViolationKind.DataBeforeInitResponse, fatal: false,
                $"{what} before the InitResponse: Kapacitor starts consuming UDF output only after Init (and Restore) are answered, " +
                "so its reader blocks, the InitResponse is never read, and the task stalls until the keepalive timeout");
        }
        else if (_restoreExpected && !_restoreAnswered)
        {
            AddOnce(ref violations, ViolationKind.DataBeforeRestoreResponse, fatal: false,
                $"{what} before the RestoreResponse: Kapacitor starts consuming UDF output only after Restore is answered, " +
                "so its reader blocks, the RestoreResponse is never read, and the task stalls until the keepalive timeout");
        }

        return true;
    }

    private void OnBegin(BeginBatch begin, ref List<Violation>? violations)
    {
        if (_provides == EdgeType.Stream)
        {
            AddOnce(ref violations, ViolationKind.BatchFromStreamUdf, fatal: false,
                "BeginBatch from a UDF whose Info says it provides STREAM: Kapacitor forwards the wrong message type downstream (undefined behaviour)");
        }

        if (begin.Size < 0)
        {
            Add(ref violations, ViolationKind.NegativeBatchSize, fatal: true,
                $"BeginBatch with size {begin.Size}: Kapacitor allocates a slice with that capacity and crashes; size must be >= 0 (ideally the point count)");
        }

        if (_openBegin is not null)
        {
            Add(ref violations, ViolationKind.BeginWhileBatchOpen, fatal: false,
                $"BeginBatch while a batch is open ({_openCount} point(s) so far): Kapacitor silently discards the open batch and starts a new one");
            CloseBatch(null);
        }

        _openBegin = begin;
    }

    private void OnPoint(Point? point, ref List<Violation>? violations)
    {
        _pointsReceived++;
        if (_openBegin is not null)
        {
            _openCount++;
            if (_keep)
            {
                _openPoints.Add(point!);
            }

            return;
        }

        if (_provides == EdgeType.Batch)
        {
            AddOnce(ref violations, ViolationKind.PointOutsideBatch, fatal: false,
                "a point outside BeginBatch/EndBatch from a UDF whose Info says it provides BATCH: Kapacitor forwards the wrong message type downstream (undefined behaviour)");
        }

        if (_keep)
        {
            _outputs.Add(new PointOutput(point!));
        }
    }

    private void OnEnd(EndBatch end, ref List<Violation>? violations)
    {
        if (_provides == EdgeType.Stream)
        {
            AddOnce(ref violations, ViolationKind.BatchFromStreamUdf, fatal: false,
                "EndBatch from a UDF whose Info says it provides STREAM: Kapacitor forwards the wrong message type downstream (undefined behaviour)");
        }

        if (_openBegin is null)
        {
            Add(ref violations, ViolationKind.EndWithoutBegin, fatal: true,
                "EndBatch without a BeginBatch: Kapacitor reads byName from the missing BeginBatch (a nil pointer) and kapacitord crashes");
            return;
        }

        _batchesReceived++;
        CloseBatch(end);
    }

    private void CloseBatch(EndBatch? end)
    {
        if (_keep)
        {
            _outputs.Add(new BatchOutput(_openBegin!, _openPoints, end));
            _openPoints = [];
        }

        _openBegin = null;
        _openCount = 0;
    }

    private void Add(ref List<Violation>? violations, ViolationKind kind, bool fatal, string message)
    {
        _reported.Add(kind);
        (violations ??= []).Add(new Violation(kind, _phase, message, fatal));
    }

    // Kinds that would otherwise repeat for every data message are reported the first time only.
    private void AddOnce(ref List<Violation>? violations, ViolationKind kind, bool fatal, string message)
    {
        if (!_reported.Contains(kind))
        {
            Add(ref violations, kind, fatal, message);
        }
    }
}
