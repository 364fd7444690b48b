using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Simulator.Tests.Support;
using static Kapacitor.Udf.Simulator.Tests.Support.TestData;
using static Kapacitor.Udf.Tests.Support.InfoResponses;

namespace Kapacitor.Udf.Simulator.Tests.Engine;

public sealed class UdfSimulatorProbeTests
{
    [Fact]
    public async Task ProbeAsync_WellBehavedUdf_ReturnsInfoAfterInfoRequestThenEof()
    {
        // Arrange
        var udf = new FakeUdf(Info(EdgeType.Batch, EdgeType.Stream, ("field", [Protocol.ValueType.String])));

        // Act
        var probe = await new UdfSimulator().ProbeAsync(udf.Target).WaitAsync(Hang);

        // Assert
        probe.IsClean.Should().BeTrue();
        probe.Info.Should().Be(udf.Info);
        probe.ExitCode.Should().Be(0);
        udf.ReceivedOn(0).Where(r => r.MessageCase != Request.MessageOneofCase.Keepalive)
            .Should().ContainSingle().Which.MessageCase.Should().Be(Request.MessageOneofCase.Info, "Init is never sent on the probe");
    }

    [Fact]
    public async Task ProbeAsync_SecondInfoResponse_IsUnsolicited()
    {
        // Arrange
        var udf = new FakeUdf
        {
            OnInfo = (_, respond) =>
            {
                respond.Send(new Response { Info = new InfoResponse() });
                respond.Send(new Response { Info = new InfoResponse() });
            },
        };

        // Act
        var probe = await new UdfSimulator().ProbeAsync(udf.Target).WaitAsync(Hang);

        // Assert
        probe.Info.Should().NotBeNull();
        probe.Violations.Should().ContainSingle().Which.Kind.Should().Be(ViolationKind.UnsolicitedResponse);
        probe.IsClean.Should().BeFalse();
    }

    [Fact]
    public async Task ProbeAsync_DataOnProbe_IsUnexpected()
    {
        // Arrange
        var udf = new FakeUdf
        {
            OnInfo = (_, respond) =>
            {
                respond.Send(new Response { Info = new InfoResponse() });
                respond.Send(new Response { Point = new Point { Name = "hello" } });
            },
        };

        // Act
        var probe = await new UdfSimulator().ProbeAsync(udf.Target).WaitAsync(Hang);

        // Assert
        var violation = probe.Violations.Should().ContainSingle().Subject;
        violation.Kind.Should().Be(ViolationKind.UnexpectedResponse);
        violation.Phase.Should().Be(SimulationPhase.Probe);
    }

    [Fact]
    public async Task ProbeAsync_CrashBeforeAnswering_ReportsEarlyEofAndStderr()
    {
        // Arrange
        var udf = new FakeUdf
        {
            OnInfo = (_, respond) =>
            {
                respond.Stderr("Traceback (most recent call last):");
                respond.Exit(1);
            },
        };

        // Act
        var probe = await new UdfSimulator().ProbeAsync(udf.Target).WaitAsync(Hang);

        // Assert
        probe.Info.Should().BeNull();
        probe.Violations.Select(v => v.Kind).Should().Equal(ViolationKind.OutputClosedEarly, ViolationKind.NonZeroExitCode);
        probe.Violations[0].Message.Should().Contain("without answering the InfoRequest");
        probe.StderrLines.Should().Equal("Traceback (most recent call last):");
        probe.ExitCode.Should().Be(1);
    }

    [Fact]
    public async Task ProbeAsync_ExitRightAfterAnswering_IsClean()
    {
        // Arrange: a UDF may exit as soon as Info is answered, before it sees EOF.
        var udf = new FakeUdf
        {
            OnInfo = (_, respond) =>
            {
                respond.Send(new Response { Info = new InfoResponse() });
                respond.Exit(0);
            },
        };

        // Act
        var probe = await new UdfSimulator().ProbeAsync(udf.Target).WaitAsync(Hang);

        // Assert
        probe.IsClean.Should().BeTrue();
    }

    [Fact]
    public async Task ProbeAsync_UnreachableSocket_ReportsConnectFailed()
    {
        // Arrange
        var path = Path.Combine(Path.GetTempPath(), $"no-such-udf-{Guid.NewGuid():N}.sock");
        var target = new UnixSocketUdfTarget(path);

        // Act
        var probe = await new UdfSimulator().ProbeAsync(target).WaitAsync(Hang);

        // Assert
        var violation = probe.Violations.Should().ContainSingle().Subject;
        violation.Kind.Should().Be(ViolationKind.ConnectFailed);
        violation.Message.Should().Be($"no socket at {path}: is the UDF server running?");
    }
}
