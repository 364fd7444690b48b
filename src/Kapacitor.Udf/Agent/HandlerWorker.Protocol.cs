using Google.Protobuf;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>The protocol state: what each request means given the ones before it.</summary>
internal sealed partial class HandlerWorker
{
    private InfoResponse? _info;
    private bool _initialized;
    private bool _inBatch;
    private bool _gateOpen;
    private ByteString _lastGoodSnapshot = ByteString.Empty;

    private ValueTask HandleAsync(Request request) => request.MessageCase switch
    {
        Request.MessageOneofCase.Info => AnswerInfoAsync(),
        Request.MessageOneofCase.Init => AnswerInitAsync(request.Init),
        Request.MessageOneofCase.Snapshot => AnswerSnapshotAsync(),
        Request.MessageOneofCase.Restore => AnswerRestoreAsync(request.Restore),
        Request.MessageOneofCase.Begin => DataAsync(Data.BeginBatch, request.Begin, static (h, b) => h.BeginBatchAsync(b)),
        Request.MessageOneofCase.Point => DataAsync(Data.Point, request.Point, static (h, p) => h.PointAsync(p)),
        Request.MessageOneofCase.End => DataAsync(Data.EndBatch, request.End, static (h, e) => h.EndBatchAsync(e)),
        _ => ValueTask.CompletedTask,
    };

    // Info is pure and may be asked more than once; its answer is kept (also for the edge types of incoming data).
    private async ValueTask<Exception?> EnsureInfoAsync()
    {
        if (_info is not null)
        {
            return null;
        }

        (_info, var failure) = await AskAsync("Info", 0, static (h, _) => h.InfoAsync());
        return failure;
    }

    private async ValueTask AnswerInfoAsync()
    {
        if (await EnsureInfoAsync() is { } failure)
        {
            await FailHandlerAsync("Info", failure);
            return;
        }

        await _writer.WriteManagementAsync(new Response { Info = _info });
    }

    private async ValueTask AnswerInitAsync(InitRequest init)
    {
        if (_initialized)
        {
            await RejectAsync("a second InitRequest on the same connection");
            return;
        }

        _agent.SetTask(init.TaskID, init.NodeID);
        // The edge types decide which data is legal and which emits are; Info is pure, so ask it now.
        var (method, failure) = ("Info", await EnsureInfoAsync());
        InitResponse? response = null;
        if (failure is null)
        {
            _agent.Context.Provides = _info!.Provides;
            (method, (response, failure)) = ("Init", await AskAsync("Init", init, static (h, r) => h.InitAsync(r)));
        }

        // Named after the call that failed: an Info failure reported as "Init: ..." sends the user to the wrong code.
        response = failure is null ? response! : new InitResponse { Success = false, Error = AgentFailure.Describe(method, failure) };
        if (!response.Success)
        {
            _agent.Log.Error("Init failed: {Error}", response.Error);
        }

        _initialized = response.Success;
        await _writer.WriteManagementAsync(new Response { Init = response });
    }

    private async ValueTask AnswerSnapshotAsync()
    {
        var answer = new SnapshotResponse { Snapshot = _lastGoodSnapshot };
        var (snapshot, failure) = await AskAsync("Snapshot", 0, static (h, _) => h.SnapshotAsync());
        if (failure is not null)
        {
            _agent.Log.Error(failure, "{Error}; answering the last good snapshot ({Last} bytes)", AgentFailure.Describe("Snapshot", failure), _lastGoodSnapshot.Length);
        }
        else if (new Request { Restore = new RestoreRequest { Snapshot = snapshot!.Snapshot } }.CalculateSize() > _agent.MaxFrameSize)
        {
            _agent.Log.Error(
                "Snapshot of {Size} bytes refused: it exceeds the maximum frame size of {Max} bytes, so it could never be restored; answering the last good snapshot ({Last} bytes)",
                snapshot.Snapshot.Length, _agent.MaxFrameSize, _lastGoodSnapshot.Length);
        }
        else
        {
            _lastGoodSnapshot = snapshot.Snapshot;
            answer = snapshot;
        }

        await _writer.WriteManagementAsync(new Response { Snapshot = answer });
    }

    private async ValueTask AnswerRestoreAsync(RestoreRequest restore)
    {
        var (response, failure) = await AskAsync("Restore", restore, static (h, r) => h.RestoreAsync(r));
        response = failure is null ? response! : new RestoreResponse { Success = false, Error = AgentFailure.Describe("Restore", failure) };
        if (response.Success)
        {
            _lastGoodSnapshot = restore.Snapshot;
        }
        else
        {
            _agent.Log.Error("Restore failed: {Error}", response.Error);
        }

        await _writer.WriteManagementAsync(new Response { Restore = response });
        await OpenGateOnceAsync();
    }

    private enum Data
    {
        BeginBatch,
        Point,
        EndBatch,
    }

    // The handler methods' names, as errors and the monitor name them.
    private static readonly string[] DataNames = ["BeginBatch", "Point", "EndBatch"];

    // BeginBatch, point, EndBatch: checked against the sequence so far, then handed to the handler.
    private async ValueTask DataAsync<T>(Data kind, T message, Func<IUdfHandler, T, ValueTask> call)
    {
        if (Violation(kind) is { } violation)
        {
            await RejectAsync(violation);
            return;
        }

        _inBatch = kind == Data.BeginBatch || (_inBatch && kind != Data.EndBatch);
        if (!_gateOpen)
        {
            await OpenGateOnceAsync();
        }

        var method = DataNames[(int)kind];
        if (await CallAsync(method, message, call) is { } failure)
        {
            await FailHandlerAsync(method, failure);
        }
    }

    private string? Violation(Data kind)
    {
        var wantsBatch = _info?.Wants == EdgeType.Batch;
        return kind switch
        {
            Data.Point when !_initialized => "a point arrived before Init",
            _ when !_initialized => $"{(kind == Data.EndBatch ? "an" : "a")} {DataNames[(int)kind]} arrived before Init",
            Data.BeginBatch when !wantsBatch => "a BeginBatch arrived but this UDF wants STREAM",
            Data.BeginBatch when _inBatch => "a BeginBatch arrived while the previous batch was still open (no EndBatch)",
            Data.EndBatch when !wantsBatch => "an EndBatch arrived but this UDF wants STREAM",
            Data.EndBatch when !_inBatch => "an EndBatch arrived without a BeginBatch",
            Data.Point when wantsBatch && !_inBatch => "a point arrived outside a batch (no BeginBatch before it)",
            _ => null,
        };
    }

    private ValueTask RejectAsync(string violation) =>
        _agent.FailAsync(new AgentFailure(UdfFailureReason.ProtocolViolation, $"protocol error: {violation}"));

    // Data flows once Kapacitor can read it: after the Restore answer or at the first data request.
    private async ValueTask OpenGateOnceAsync()
    {
        if (_gateOpen)
        {
            return;
        }

        _gateOpen = true;
        await _writer.OpenDataGateAsync();
    }
}
