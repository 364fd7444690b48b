using Google.Protobuf;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Input;

namespace Kapacitor.Udf.Simulator.Engine;

public sealed partial class UdfSimulator
{
    // The task connection, in Kapacitor's order [udf.go runUDF]: Init and its answer; Restore and its answer when
    // there is a snapshot; only then data. Any fatal violation aborts: input stops, the UDF's input is closed, and
    // its output is read to the end.
    private async Task<SimulationResult> RunTaskAsync(IUdfTarget target, InfoResponse info, SimulatorInput input,
        ProbeResult? probe, ViolationLog log, SimulationControl? control, CancellationToken cancellationToken)
    {
        IReadOnlyList<Option> options;
        try
        {
            options = Define(info, input.IsBatches);
        }
        catch (TaskDefineException ex)
        {
            log.Report(new Violation(ViolationKind.DefineError, SimulationPhase.Define, ex.Message, IsFatal: true));
            return new SimulationResult { Probe = probe, Info = info, Violations = log.Violations, ViolationCount = log.Count };
        }

        var restore = Options.RestoreSnapshot is { Length: > 0 } bytes ? ByteString.CopyFrom(bytes) : null;
        var checker = new ResponseChecker(SimulationPhase.Task, info.Provides, restoreExpected: restore is not null, Options.KeepResponses);
        var session = await UdfSession.StartAsync(target, Options, SimulationPhase.Task, checker, log, Options.ResponseReceived, control, cancellationToken);
        if (session is null)
        {
            return new SimulationResult { Probe = probe, Info = info, InitOptions = options, Violations = log.Violations, ViolationCount = log.Count };
        }

        await using (session)
        {
            var state = new TaskState(control);
            await DriveAsync(session, options, restore, input, state);
            var exitCode = await session.CloseAndWaitForExitAsync();
            cancellationToken.ThrowIfCancellationRequested();
            return new SimulationResult
            {
                Probe = probe,
                Info = info,
                InitOptions = options,
                Init = state.Init,
                Restore = state.Restore,
                Snapshot = state.Snapshot,
                Responses = checker.Responses,
                Outputs = checker.Outputs,
                PointsSent = state.PointsSent,
                BatchesSent = state.BatchesSent,
                PointsReceived = checker.PointsReceived,
                BatchesReceived = checker.BatchesReceived,
                KeepalivesSent = session.KeepalivesSent,
                KeepalivesAnswered = checker.KeepalivesAnswered,
                Violations = log.Violations,
                ViolationCount = log.Count,
                ExitCode = exitCode,
                StderrLines = session.StderrLines,
                Stopped = control?.IsStopRequested == true,
                Killed = control?.IsKillRequested == true,
            };
        }
    }

    private async Task DriveAsync(UdfSession session, IReadOnlyList<Option> options, ByteString? restore, SimulatorInput input, TaskState state)
    {
        var init = new InitRequest { TaskID = Options.TaskId, NodeID = Options.EffectiveNodeId };
        init.Options.Add(options);
        var initAnswer = session.Checker.ExpectInit();
        if (!await session.SendAsync(new Request { Init = init }))
        {
            return;
        }

        state.Init = await session.WaitForAsync(initAnswer, "Init");
        if (state.Init is null)
        {
            return;
        }

        if (!state.Init.Success)
        {
            session.ReportFatal(ViolationKind.InitFailed, $"failed to initialize processes {state.Init.Error}");
            return;
        }

        if (restore is not null)
        {
            var restoreAnswer = session.Checker.ExpectRestore();
            if (!await session.SendAsync(new Request { Restore = new RestoreRequest { Snapshot = restore } }))
            {
                return;
            }

            state.Restore = await session.WaitForAsync(restoreAnswer, "Restore");
            if (state.Restore is null)
            {
                return;
            }

            if (!state.Restore.Success)
            {
                session.ReportFatal(ViolationKind.RestoreFailed, $"error restoring snapshot: {state.Restore.Error}");
                return;
            }
        }

        if (!await FeedAsync(session, input, state))
        {
            return;
        }

        if (state.SnapshotAnswer is { } snapshotAnswer)
        {
            state.Snapshot = (await session.WaitForAsync(snapshotAnswer, "Snapshot"))?.Snapshot;
        }
    }

    // Sends the data as it is read; false when the run was aborted, stopped or the input broke on the way.
    private async Task<bool> FeedAsync(UdfSession session, SimulatorInput input, TaskState state)
    {
        var windower = Options.BatchPeriod is { } period ? new BatchWindower(period.Ticks * 100, Options.EmitEmptyWindows) : null;
        var encoder = new RawPointEncoder(_grouper);
        if (Options.SnapshotAfter == 0 && !await RequestSnapshotAsync(session, state))
        {
            return false;
        }

        while (true)
        {
            InputItem item;
            try
            {
                if (!input.TryRead(out item))
                {
                    item = await input.ReadAsync(session.IdleAsync, state.Stop);
                }
            }
            catch (OperationCanceledException) when (state.Stop.IsCancellationRequested)
            {
                // Stopped as Kapacitor stops a task: windows still open are not sent.
                return false;
            }
            catch (Exception ex) when (ex is FormatException or IOException)
            {
                session.ReportInputFailed($"input: {ex.Message}");
                return false;
            }

            if (item.IsEnd)
            {
                break;
            }

            // The bulk of a stream task, without an await per point: a line encoded where it lies.
            if (item.Raw is { } raw && windower is null && encoder.CanWrite(raw))
            {
                state.Sent(1);
                if (session.Append(raw, encoder) ? !await session.FlushAsync() : session.IsAborted)
                {
                    return false;
                }
            }
            else if (!await SendAsync(session, item, windower, state))
            {
                return false;
            }

            if (state.PointsSent >= Options.SnapshotAfter && state.SnapshotAnswer is null && !await RequestSnapshotAsync(session, state))
            {
                return false;
            }
        }

        if (windower is not null && Options.FlushOpenWindows && !await SendBatchesAsync(session, windower.Flush(), state))
        {
            return false;
        }

        // Asked for a snapshot after more points than the input had: ask after the last one.
        return state.SnapshotAnswer is not null || Options.SnapshotAfter is null || await RequestSnapshotAsync(session, state);
    }

    private async ValueTask<bool> SendAsync(UdfSession session, InputItem item, BatchWindower? windower, TaskState state)
    {
        if (item.Batch is { } recorded)
        {
            state.Sent(recorded.Points.Count);
            return await SendBatchesAsync(session, [recorded], state);
        }

        var point = _grouper.Stamp(item.Raw?.ToPoint() ?? item.Point!);
        state.Sent(1);
        return windower is null
            ? await session.WriteAsync(new Request { Point = point })
            : await SendBatchesAsync(session, windower.Add(point), state);
    }

    private static async ValueTask<bool> SendBatchesAsync(UdfSession session, IReadOnlyList<InputBatch> batches, TaskState state)
    {
        foreach (var batch in batches)
        {
            foreach (var request in batch.ToRequests())
            {
                if (!await session.WriteAsync(request))
                {
                    return false;
                }
            }

            state.BatchesSent++;
        }

        return true;
    }

    private static async Task<bool> RequestSnapshotAsync(UdfSession session, TaskState state)
    {
        state.SnapshotAnswer = session.Checker.ExpectSnapshot();
        return await session.SendAsync(new Request { Snapshot = new SnapshotRequest() });
    }

    private sealed class TaskState(SimulationControl? control)
    {
        public CancellationToken Stop => control?.StopToken ?? CancellationToken.None;

        public InitResponse? Init { get; set; }

        public RestoreResponse? Restore { get; set; }

        public ByteString? Snapshot { get; set; }

        public Task<SnapshotResponse?>? SnapshotAnswer { get; set; }

        public long PointsSent { get; private set; }

        public long BatchesSent { get; set; }

        public void Sent(long points)
        {
            PointsSent += points;
            control?.AddSent(points);
        }
    }
}
