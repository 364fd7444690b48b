using Google.Protobuf;
using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.EndToEnd.Tests;

/// <summary>Issue 6's handler faults as Kapacitor sees them: the FaultyUdf executable, its faults chosen by TICKscript
/// options, driven through the simulator (probe, define, Init, data, keepalives, close). Outcomes only, no timings.</summary>
[Collection(ProcessCollection.Name)]
public class FaultyUdfTests
{
    private const string FivePoints = """
        test value=0 1
        test value=1 2
        test value=2 3
        test value=3 4
        test value=4 5
        """;

    [Fact]
    public async Task Run_PointFault_NodeFailsWithTheUdfsErrorTextAndExitOne()
    {
        // Reference §2.8 and requirement 26: the ErrorResponse's text is what the node fails with; the UDF exits by itself.
        var result = await Run.TargetAsync(Examples.FaultyUdf(), "faulty", FivePoints, new SimulatorOptions(), "fault('point')", "faultAfter(2)");

        result.NodeError.Should().Be("Point: InvalidOperationException: injected fault at point 2");
        result.Violations.Should().ContainSingle(v => v.Kind == ViolationKind.ErrorResponse);
        result.Points.Select(p => p.FieldsDouble["value"]).Should().Equal([0, 1], "the points before the fault were answered first");
        result.Responses[^1].Error.Should().NotBeNull("nothing follows the ErrorResponse");
        result.ExitCode.Should().Be(1);
        result.StderrLines.Should().Contain(l => l.Contains("injected fault at point 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_InitFault_InitFailsWithTheMessageAndTheProcessExitsZero()
    {
        // Requirement 12: Kapacitor shows "failed to initialize processes <error>"; then it closes the input.
        var result = await Run.TargetAsync(Examples.FaultyUdf(), "faulty", FivePoints, new SimulatorOptions(), "fault('init')");

        result.Init!.Success.Should().BeFalse();
        result.NodeError.Should().Be("failed to initialize processes Init: InvalidOperationException: injected fault in Init");
        result.Violations.Should().ContainSingle().Which.Kind.Should().Be(ViolationKind.InitFailed);
        result.PointsSent.Should().Be(0, "Kapacitor sends no data to a node that failed to initialize");
        result.ExitCode.Should().Be(0, "a failed Init is an answer, not a crash");
    }

    [Fact]
    public async Task Run_SnapshotFaultMidStream_SimulatorGetsTheLastGoodSnapshotAndTheRunContinues()
    {
        // Requirement 15: an ErrorResponse to a SnapshotRequest would kill the task. The restored snapshot is the last
        // good one; the failing snapshot, asked for mid-stream, is answered with it and every point still comes back.
        var restored = ByteString.CopyFromUtf8("points=7");
        var result = await Run.TargetAsync(Examples.FaultyUdf(), "faulty", FivePoints,
            new SimulatorOptions { RestoreSnapshot = restored.ToByteArray(), SnapshotAfter = 2 }, "fault('snapshot')", "faultAfter(0)");

        result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
        result.Restore!.Success.Should().BeTrue();
        result.Snapshot!.ToStringUtf8().Should().Be("points=7", "the last good snapshot is the restored one");
        result.Points.Select(p => p.FieldsDouble["value"]).Should().Equal([0, 1, 2, 3, 4]);
        result.ExitCode.Should().Be(0);
        result.StderrLines.Should().Contain(l => l.Contains("Snapshot: InvalidOperationException: injected fault in Snapshot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_HandlerHangs_KeepalivesAnsweredThenErrorAtTheMaximumHandlerTime()
    {
        // Reference §7 pain point 1: while the handler is stuck, Kapacitor's keepalives are answered and heartbeats
        // keep its timer satisfied (no keepalive timeout); at the maximum handler time a clear ErrorResponse ends it.
        // A snapshot asked for after the last point keeps the connection open meanwhile (the simulator would otherwise
        // close the input). Wide margins for a loaded machine: keepalives every 4 s against an 8 s timeout, the
        // snapshot counted missing only after 16 s, the call declared hung at 10 s.
        var target = Examples.FaultyUdf(new Dictionary<string, string> { ["KAPACITOR_UDF_MAX_HANDLER_TIME"] = "10s" });
        var result = await Run.TargetAsync(target, "faulty", FivePoints,
            new SimulatorOptions { Timeout = TimeSpan.FromSeconds(8), SnapshotAfter = 5 }, "fault('hang')", "faultAfter(1)");

        result.KeepalivesSent.Should().BeGreaterThan(0);
        result.KeepalivesAnswered.Should().BeGreaterThan(0, "the reader answers keepalives while the worker is stuck");
        result.NodeError.Should().StartWith("Point: handler call has run for").And.EndWith("longer than the maximum handler time of 10s");
        result.Violations.Should().NotContain(v => v.Kind == ViolationKind.KeepaliveTimeout || v.Kind == ViolationKind.MissingResponse,
            string.Join("; ", result.Violations));
        result.Points.Should().ContainSingle("the point before the hung call was answered");
        result.ExitCode.Should().Be(1, "the hung thread does not keep the process alive");
    }
}
