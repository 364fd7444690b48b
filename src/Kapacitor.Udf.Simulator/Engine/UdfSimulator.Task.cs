using Google.Protobuf;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Testing.TickScript;

namespace Kapacitor.Udf.Simulator.Engine;

public sealed partial class UdfSimulator
{
    // The task connection, in Kapacitor's order [udf.go runUDF]: Init and its answer; Restore and its answer when
    // there is a snapshot; only then data. Any fatal violation aborts: input stops, the UDF's input is closed, and
    // its output is read to the end.
    private async Task<SimulationResult> RunTaskAsync(IUdfTarget target, InfoResponse info, IEnumerable<Point> points,
        ProbeResult? probe, ViolationLog log, CancellationToken cancellationToken)
    {
        IReadOnlyList<Option> options;
        try
        {
            options = Define(info);
        }
        catch (UdfDefineException ex)
        {
            log.Report(new Violation(ViolationKind.DefineError, SimulationPhase.Define, ex.Message, IsFatal: true));
            return new SimulationResult { Probe = probe, Info = info, Violations = log.Violations };
        }

        var restore = Options.RestoreSnapshot is { Length: > 0 } bytes ? ByteString.CopyFrom(bytes) : null;
        var checker = new ResponseChecker(SimulationPhase.Task, info.Provides, restoreExpected: restore is not null);
        var session = await UdfSession.StartAsync(target, Options, SimulationPhase.Task, checker, log, Options.ResponseReceived, cancellationToken);
        if (session is null)
        {
            return new SimulationResult { Probe = probe, Info = info, InitOptions = options, Violations = log.Violations };
        }

        await using (session)
        {
            var state = new TaskState();
            await DriveAsync(session, options, restore, points, state);
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
                KeepalivesSent = session.KeepalivesSent,
                KeepalivesAnswered = checker.KeepalivesAnswered,
                Violations = log.Violations,
                ExitCode = exitCode,
                StderrLines = session.StderrLines,
            };
        }
    }

    private async Task DriveAsync(UdfSession session, IReadOnlyList<Option> options, ByteString? restore, IEnumerable<Point> points, TaskState state)
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
            Fail(session, ViolationKind.InitFailed, $"failed to initialize processes {state.Init.Error}");
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
                Fail(session, ViolationKind.RestoreFailed, $"error restoring snapshot: {state.Restore.Error}");
                return;
            }
        }

        if (!await FeedAsync(session, points, state))
        {
            return;
        }

        if (state.SnapshotAnswer is { } snapshotAnswer)
        {
            state.Snapshot = (await session.WaitForAsync(snapshotAnswer, "Snapshot"))?.Snapshot;
        }
    }

    // Sends the data; false when the run was aborted on the way.
    private async Task<bool> FeedAsync(UdfSession session, IEnumerable<Point> points, TaskState state)
    {
        var windower = Options.BatchPeriod is { } period ? new BatchWindower(period.Ticks * 100, Options.EmitEmptyWindows) : null;
        if (Options.SnapshotAfter == 0 && !await RequestSnapshotAsync(session, state))
        {
            return false;
        }

        using var enumerator = points.GetEnumerator();
        while (true)
        {
            Point streamPoint;
            try
            {
                if (!enumerator.MoveNext())
                {
                    break;
                }

                streamPoint = _grouper.ToStreamPoint(enumerator.Current);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Fail(session, ViolationKind.InputFailed, $"reading the input failed: {ex.Message}");
                return false;
            }

            if (windower is null)
            {
                if (!await session.SendAsync(new Request { Point = streamPoint }))
                {
                    return false;
                }
            }
            else if (!await SendBatchesAsync(session, windower.Add(streamPoint), state))
            {
                return false;
            }

            state.PointsSent++;
            if (state.PointsSent == Options.SnapshotAfter && !await RequestSnapshotAsync(session, state))
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

    private static async Task<bool> SendBatchesAsync(UdfSession session, IReadOnlyList<InputBatch> batches, TaskState state)
    {
        foreach (var batch in batches)
        {
            foreach (var request in batch.ToRequests())
            {
                if (!await session.SendAsync(request))
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

    private static void Fail(UdfSession session, ViolationKind kind, string message) =>
        session.ReportFatal(kind, message);

    private sealed class TaskState
    {
        public InitResponse? Init { get; set; }

        public RestoreResponse? Restore { get; set; }

        public ByteString? Snapshot { get; set; }

        public Task<SnapshotResponse?>? SnapshotAnswer { get; set; }

        public int PointsSent { get; set; }

        public int BatchesSent { get; set; }
    }
}
