using Google.Protobuf;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Agent;

public sealed partial class UdfAgent
{
    private InfoResponse? _info;
    private bool _initialized;
    private bool _inBatch;
    private bool _gateOpen;
    private ByteString _lastGoodSnapshot = ByteString.Empty;

    // The worker thread: one handler call at a time, in input order; Stop exactly once, last.
    private async Task WorkLoopAsync(IUdfHandler handler)
    {
        var queue = _queue.Reader;
        try
        {
            while (await queue.WaitToReadAsync())
            {
                // Busy before the first item leaves the queue, so "queue empty" never reads as "input idle".
                _writer.MarkBusy(InputSide.Worker);
                while (queue.TryRead(out var queued))
                {
                    var request = queued.Request;
                    if (ReferenceEquals(request, ReadFailed))
                    {
                        // Every request read before the bad input has been answered: now the error.
                        await FailAsync(_readFailure.Reason, _readFailure.Error, _readFailure.Exception);
                        continue;
                    }

                    if (_failure is null)
                    {
                        await HandleAsync(handler, request);
                    }

                    if (queued.BudgetBytes > 0)
                    {
                        _largeRequests.Release(queued.BudgetBytes);
                    }

                    if (_requestPool is not null && request.MessageCase is Request.MessageOneofCase.Point)
                    {
                        _requestPool.Enqueue(request);
                    }
                }

                await _writer.MarkIdleAsync(InputSide.Worker);
            }
        }
        catch (UdfOutputClosedException)
        {
            // The output is gone; the agent is already giving up.
        }
        catch (Exception ex)
        {
            await FailAsync(UdfFailureReason.AgentFault, DescribeFailure("agent", ex), ex);
        }

        await StopHandlerAsync(handler);
    }

    private ValueTask HandleAsync(IUdfHandler handler, Request request) => request.MessageCase switch
    {
        Request.MessageOneofCase.Info => AnswerInfoAsync(handler),
        Request.MessageOneofCase.Init => AnswerInitAsync(handler, request.Init),
        Request.MessageOneofCase.Snapshot => AnswerSnapshotAsync(handler),
        Request.MessageOneofCase.Restore => AnswerRestoreAsync(handler, request.Restore),
        Request.MessageOneofCase.Begin => BeginBatchAsync(handler, request.Begin),
        Request.MessageOneofCase.Point => PointAsync(handler, request.Point),
        Request.MessageOneofCase.End => EndBatchAsync(handler, request.End),
        _ => ValueTask.CompletedTask,
    };

    private async ValueTask AnswerInfoAsync(IUdfHandler handler)
    {
        try
        {
            _info ??= await CallAsync("Info", handler, 0, static (h, _) => h.InfoAsync());
        }
        catch (Exception ex)
        {
            await FailAsync(UdfFailureReason.HandlerFailed, DescribeFailure("Info", ex), ex);
            return;
        }

        await _writer.WriteManagementAsync(new Response { Info = _info });
    }

    private async ValueTask AnswerInitAsync(IUdfHandler handler, InitRequest init)
    {
        if (_initialized)
        {
            await FailAsync(UdfFailureReason.ProtocolViolation, "protocol error: a second InitRequest on the same connection");
            return;
        }

        _log = _options.Logger.ForContext("TaskId", init.TaskID).ForContext("NodeId", init.NodeID);
        _context.SetTask(init.TaskID, init.NodeID, _log);
        InitResponse response;
        var method = "Info";
        try
        {
            // The edge types decide which data is legal and which emits are; Info is pure, so ask it now.
            _info ??= await CallAsync(method, handler, 0, static (h, _) => h.InfoAsync());
            _context.Provides = _info.Provides;
            method = "Init";
            response = await CallAsync(method, handler, init, static (h, r) => h.InitAsync(r));
        }
        catch (Exception ex)
        {
            // Named after the call that failed: an Info failure reported as "Init: ..." sends the user to the wrong code.
            response = new InitResponse { Success = false, Error = DescribeFailure(method, ex) };
        }

        if (!response.Success)
        {
            _log.Error("Init failed: {Error}", response.Error);
        }

        _initialized = response.Success;
        await _writer.WriteManagementAsync(new Response { Init = response });
    }

    private async ValueTask AnswerSnapshotAsync(IUdfHandler handler)
    {
        var answer = new SnapshotResponse { Snapshot = _lastGoodSnapshot };
        try
        {
            var snapshot = await CallAsync("Snapshot", handler, 0, static (h, _) => h.SnapshotAsync());
            var restoreSize = new Request { Restore = new RestoreRequest { Snapshot = snapshot.Snapshot } }.CalculateSize();
            if (restoreSize > _options.MaxFrameSize)
            {
                _log.Error(
                    "Snapshot of {Size} bytes refused: it exceeds the maximum frame size of {Max} bytes, so it could never be restored; answering the last good snapshot ({Last} bytes)",
                    snapshot.Snapshot.Length, _options.MaxFrameSize, _lastGoodSnapshot.Length);
            }
            else
            {
                _lastGoodSnapshot = snapshot.Snapshot;
                answer = snapshot;
            }
        }
        catch (Exception ex)
        {
            _log.Error(ex, "{Error}; answering the last good snapshot ({Last} bytes)", DescribeFailure("Snapshot", ex), _lastGoodSnapshot.Length);
        }

        await _writer.WriteManagementAsync(new Response { Snapshot = answer });
    }

    private async ValueTask AnswerRestoreAsync(IUdfHandler handler, RestoreRequest restore)
    {
        RestoreResponse response;
        try
        {
            response = await CallAsync("Restore", handler, restore, static (h, r) => h.RestoreAsync(r));
        }
        catch (Exception ex)
        {
            response = new RestoreResponse { Success = false, Error = DescribeFailure("Restore", ex) };
        }

        if (response.Success)
        {
            _lastGoodSnapshot = restore.Snapshot;
        }
        else
        {
            _log.Error("Restore failed: {Error}", response.Error);
        }

        await _writer.WriteManagementAsync(new Response { Restore = response });
        await OpenGateOnceAsync();
    }

    private async ValueTask BeginBatchAsync(IUdfHandler handler, BeginBatch begin)
    {
        var violation = !_initialized ? "a BeginBatch arrived before Init"
            : _info!.Wants != EdgeType.Batch ? "a BeginBatch arrived but this UDF wants STREAM"
            : _inBatch ? "a BeginBatch arrived while the previous batch was still open (no EndBatch)"
            : null;
        if (await RejectAsync(violation))
        {
            return;
        }

        _inBatch = true;
        await OpenGateOnceAsync();
        _monitor.CallStarted("BeginBatch");
        try
        {
            await handler.BeginBatchAsync(begin);
        }
        catch (Exception ex)
        {
            await FailAsync(UdfFailureReason.HandlerFailed, DescribeFailure("BeginBatch", ex), ex);
        }
        finally
        {
            _monitor.CallFinished();
        }
    }

    private async ValueTask PointAsync(IUdfHandler handler, Point point)
    {
        var violation = !_initialized ? "a point arrived before Init"
            : _info!.Wants == EdgeType.Batch && !_inBatch ? "a point arrived outside a batch (no BeginBatch before it)"
            : null;
        if (await RejectAsync(violation))
        {
            return;
        }

        if (!_gateOpen)
        {
            await OpenGateOnceAsync();
        }

        _monitor.CallStarted("Point");
        try
        {
            await handler.PointAsync(point);
        }
        catch (Exception ex)
        {
            await FailAsync(UdfFailureReason.HandlerFailed, DescribeFailure("Point", ex), ex);
        }
        finally
        {
            _monitor.CallFinished();
        }
    }

    private async ValueTask EndBatchAsync(IUdfHandler handler, EndBatch end)
    {
        var violation = !_initialized ? "an EndBatch arrived before Init"
            : _info!.Wants != EdgeType.Batch ? "an EndBatch arrived but this UDF wants STREAM"
            : !_inBatch ? "an EndBatch arrived without a BeginBatch"
            : null;
        if (await RejectAsync(violation))
        {
            return;
        }

        _inBatch = false;
        _monitor.CallStarted("EndBatch");
        try
        {
            await handler.EndBatchAsync(end);
        }
        catch (Exception ex)
        {
            await FailAsync(UdfFailureReason.HandlerFailed, DescribeFailure("EndBatch", ex), ex);
        }
        finally
        {
            _monitor.CallFinished();
        }
    }

    private async ValueTask StopHandlerAsync(IUdfHandler handler)
    {
        _monitor.CallStarted("Stop");
        try
        {
            await handler.StopAsync();
        }
        catch (Exception ex)
        {
            _log.Error(ex, "{Error}", DescribeFailure("Stop", ex));
        }
        finally
        {
            _monitor.CallFinished();
        }
    }

    private async ValueTask<bool> RejectAsync(string? violation)
    {
        if (violation is null)
        {
            return false;
        }

        await FailAsync(UdfFailureReason.ProtocolViolation, $"protocol error: {violation}");
        return true;
    }

    private async ValueTask OpenGateOnceAsync()
    {
        if (_gateOpen)
        {
            return;
        }

        _gateOpen = true;
        await _writer.OpenDataGateAsync();
    }

    // Management calls: the monitor sees them running (from before the handler is entered, so a synchronous
    // handler that blocks is seen too); a null answer is the handler's bug, reported as such.
    private async ValueTask<T> CallAsync<T, TArg>(string method, IUdfHandler handler, TArg arg, Func<IUdfHandler, TArg, ValueTask<T>> call)
        where T : class
    {
        _monitor.CallStarted(method);
        try
        {
            return await call(handler, arg) ?? throw new InvalidOperationException($"the handler's {method} returned null");
        }
        finally
        {
            _monitor.CallFinished();
        }
    }
}
