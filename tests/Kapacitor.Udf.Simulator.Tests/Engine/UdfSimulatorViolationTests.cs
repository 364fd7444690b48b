using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Simulator.Tests.Support;
using static Kapacitor.Udf.Simulator.Tests.Support.TestData;
using static Kapacitor.Udf.Tests.Support.InfoResponses;

namespace Kapacitor.Udf.Simulator.Tests.Engine;

public sealed class UdfSimulatorViolationTests
{
    private static Task<SimulationResult> RunAsync(FakeUdf udf, string input = "m value=1\nm value=2", SimulatorOptions? options = null) =>
        new UdfSimulator(options ?? new SimulatorOptions()).RunAsync(udf.Target, input).WaitAsync(Hang);

    private static Response PointResponse(long time = 1) => new() { Point = new Point { Time = time } };

    [Fact]
    public async Task RunAsync_DataBeforeInitResponse_IsReported()
    {
        // Arrange
        var udf = new FakeUdf
        {
            OnInit = (_, respond) =>
            {
                respond.Send(PointResponse());
                respond.Send(new Response { Init = new InitResponse { Success = true } });
            },
        };

        // Act
        var result = await RunAsync(udf);

        // Assert
        result.Violations.Should().ContainSingle().Which.Kind.Should().Be(ViolationKind.DataBeforeInitResponse);
        result.IsClean.Should().BeFalse();
    }

    [Fact]
    public async Task RunAsync_DataBeforeRestoreResponse_IsReported()
    {
        // Arrange
        var udf = new FakeUdf
        {
            OnRestore = (_, respond) =>
            {
                respond.Send(PointResponse());
                respond.Send(new Response { Restore = new RestoreResponse { Success = true } });
            },
        };

        // Act
        var result = await RunAsync(udf, options: new SimulatorOptions { RestoreSnapshot = [42] });

        // Assert
        result.Violations.Select(v => v.Kind).Should().Equal(ViolationKind.DataBeforeRestoreResponse);
    }

    [Theory]
    [InlineData("Info")]
    [InlineData("Init")]
    [InlineData("Snapshot")]
    [InlineData("Restore")]
    public async Task RunAsync_UnsolicitedManagementResponse_IsReported(string type)
    {
        // Arrange
        var unsolicited = type switch
        {
            "Info" => new Response { Info = new InfoResponse() },
            "Init" => new Response { Init = new InitResponse { Success = true } },
            "Snapshot" => new Response { Snapshot = new SnapshotResponse() },
            _ => new Response { Restore = new RestoreResponse { Success = true } },
        };
        var udf = new FakeUdf { OnPoint = (_, respond) => respond.Send(unsolicited) };

        // Act
        var result = await RunAsync(udf);

        // Assert
        var violation = result.Violations.Should().ContainSingle().Subject;
        violation.Kind.Should().Be(ViolationKind.UnsolicitedResponse);
        violation.Phase.Should().Be(SimulationPhase.Task);
        violation.Message.Should().StartWith($"unsolicited {type}Response");
        violation.IsFatal.Should().BeFalse("Kapacitor keeps or logs it, it does not abort");
    }

    [Fact]
    public async Task RunAsync_ResponseWithNoMessageSet_IsFatal()
    {
        // Arrange: 00 = a zero-length Response, no oneof set.
        var udf = new FakeUdf { OnPoint = (_, respond) => respond.SendRaw(0x00) };

        // Act
        var result = await RunAsync(udf);

        // Assert
        var violation = result.Violations.Should().ContainSingle().Subject;
        violation.Kind.Should().Be(ViolationKind.EmptyResponse);
        violation.IsFatal.Should().BeTrue();
        result.ExitCode.Should().Be(0, "the UDF exits after its input is closed");
    }

    [Fact]
    public async Task RunAsync_EndWithoutBegin_IsFatal()
    {
        // Arrange
        var udf = new FakeUdf(Info(provides: EdgeType.Batch))
        {
            OnPoint = (_, respond) => respond.Send(new Response { End = new EndBatch { Name = "m" } }),
        };

        // Act
        var result = await RunAsync(udf);

        // Assert
        result.Violations.Should().ContainSingle().Which.Kind.Should().Be(ViolationKind.EndWithoutBegin);
        result.NodeError.Should().Contain("EndBatch without a BeginBatch");
    }

    [Fact]
    public async Task RunAsync_BeginWhileBatchOpen_IsReportedAndTheOpenBatchDropped()
    {
        // Arrange
        var udf = new FakeUdf(Info(provides: EdgeType.Batch))
        {
            OnPoint = (point, respond) =>
            {
                respond.Send(new Response { Begin = new BeginBatch { Name = "m", Size = 1 } });
                respond.Send(new Response { Point = point });
            },
            OnEof = respond =>
            {
                if (respond.Connection == 1)
                {
                    respond.Send(new Response { End = new EndBatch { Name = "m", Tmax = 9 } });
                }
            },
        };

        // Act
        var result = await RunAsync(udf);

        // Assert
        result.Violations.Should().ContainSingle().Which.Kind.Should().Be(ViolationKind.BeginWhileBatchOpen);
        result.Batches.Should().HaveCount(2);
        result.Batches[0].End.Should().BeNull("the first batch was discarded");
        result.Batches[1].End!.Tmax.Should().Be(9);
        result.Batches[1].Points.Should().ContainSingle();
    }

    [Fact]
    public async Task RunAsync_PointOutsideBatchFromBatchUdf_IsReported()
    {
        // Arrange: provides BATCH, but echoes bare points.
        var udf = new FakeUdf(Info(provides: EdgeType.Batch));

        // Act
        var result = await RunAsync(udf);

        // Assert
        result.Violations.Should().ContainSingle("it is reported once, not per point").Which.Kind.Should().Be(ViolationKind.PointOutsideBatch);
        result.Points.Should().HaveCount(2);
    }

    [Fact]
    public async Task RunAsync_BatchFromStreamUdf_IsReported()
    {
        // Arrange: provides STREAM, but sends batches.
        var udf = new FakeUdf
        {
            OnPoint = (point, respond) =>
            {
                respond.Send(new Response { Begin = new BeginBatch { Size = 1 } });
                respond.Send(new Response { Point = point });
                respond.Send(new Response { End = new EndBatch() });
            },
        };

        // Act
        var result = await RunAsync(udf);

        // Assert
        result.Violations.Should().ContainSingle().Which.Kind.Should().Be(ViolationKind.BatchFromStreamUdf);
        result.Batches.Should().HaveCount(2);
    }

    [Fact]
    public async Task RunAsync_NegativeBatchSize_IsFatal()
    {
        // Arrange
        var udf = new FakeUdf(Info(provides: EdgeType.Batch))
        {
            OnPoint = (_, respond) => respond.Send(new Response { Begin = new BeginBatch { Size = -1 } }),
        };

        // Act
        var result = await RunAsync(udf);

        // Assert
        var violation = result.Violations.Should().ContainSingle("the abort ends the judging: no cascade").Subject;
        violation.Kind.Should().Be(ViolationKind.NegativeBatchSize);
        violation.IsFatal.Should().BeTrue();
        result.Batches.Should().NotBeEmpty().And.OnlyContain(b => b.End == null);
    }

    [Fact]
    public async Task RunAsync_NoResponseWithinTimeout_ReportsKeepaliveTimeout()
    {
        // Arrange: the task connection gets no answer at all, not even to keepalives.
        var udf = new FakeUdf
        {
            OnInit = (_, _) => { },
            OnKeepalive = (request, respond) =>
            {
                if (respond.Connection == 0)
                {
                    respond.Send(new Response { Keepalive = new KeepaliveResponse { Time = request.Time } });
                }
            },
        };

        // Act
        var result = await RunAsync(udf, options: new SimulatorOptions { Timeout = TimeSpan.FromSeconds(1) });

        // Assert
        var violation = result.Violations.Should().ContainSingle().Subject;
        violation.Kind.Should().Be(ViolationKind.KeepaliveTimeout);
        violation.Message.Should().StartWith("keepalive timedout, last keepalive received was: ");
        result.Init.Should().BeNull();
        result.PointsSent.Should().Be(0);
        result.ExitCode.Should().Be(0, "closing its input lets the UDF exit normally");
    }

    [Fact]
    public async Task RunAsync_InitNeverAnsweredButKeepalivesAre_ReportsMissingResponse()
    {
        // Arrange
        var udf = new FakeUdf { OnInit = (_, _) => { } };

        // Act: keepalives go out every timeout/2; a 3 s timeout leaves 1.5 s for each answer, so a loaded CI machine
        // cannot turn the missing InitResponse into a keepalive timeout (1 s did, under load).
        var result = await RunAsync(udf, options: new SimulatorOptions { Timeout = TimeSpan.FromSeconds(3) });

        // Assert
        result.Violations.Should().ContainSingle().Which.Kind.Should().Be(ViolationKind.MissingResponse);
        result.NodeError.Should().StartWith("no InitResponse within");
    }

    [Fact]
    public async Task RunAsync_VarintOverflow_IsReadError()
    {
        // Arrange: eleven continuation bytes are no valid length prefix.
        var udf = new FakeUdf { OnPoint = (_, respond) => respond.SendRaw([.. Enumerable.Repeat((byte)0xFF, 11)]) };

        // Act
        var result = await RunAsync(udf);

        // Assert
        var violation = result.Violations.Should().ContainSingle().Subject;
        violation.Kind.Should().Be(ViolationKind.ReadError);
        violation.Message.Should().StartWith("read error: ");
    }

    [Fact]
    public async Task RunAsync_OutputEndsInsideFrame_IsReadError()
    {
        // Arrange: 05 announces five bytes; only one arrives before the UDF exits.
        var udf = new FakeUdf
        {
            OnPoint = (_, respond) =>
            {
                respond.SendRaw(0x05, 0x0a);
                respond.Exit(0);
            },
        };

        // Act
        var result = await RunAsync(udf);

        // Assert
        result.Violations.Select(v => v.Kind).Should().Contain(ViolationKind.ReadError);
        result.Violations[0].Message.Should().Contain("expected 5 payload bytes");
    }

    [Fact]
    public async Task RunAsync_GarbagePayload_IsReadError()
    {
        // Arrange: a 2-byte frame whose payload is not a valid Response (field 1, wire type 7).
        var udf = new FakeUdf { OnPoint = (_, respond) => respond.SendRaw(0x02, 0x0f, 0x00) };

        // Act
        var result = await RunAsync(udf);

        // Assert
        result.Violations.Should().ContainSingle().Which.Kind.Should().Be(ViolationKind.ReadError);
    }

    [Fact]
    public async Task RunAsync_UdfExitsBeforeInputEnds_ReportsOutputClosedEarly()
    {
        // Arrange: the task connection's UDF exits on Init, while Kapacitor is still waiting for the answer.
        var udf = new FakeUdf { OnInit = (_, respond) => respond.Exit(0) };

        // Act
        var result = await RunAsync(udf);

        // Assert
        var violation = result.Violations.Should().ContainSingle().Subject;
        violation.Kind.Should().Be(ViolationKind.OutputClosedEarly);
        violation.Phase.Should().Be(SimulationPhase.Task);
        result.Init.Should().BeNull();
    }

    [Fact]
    public async Task RunAsync_UdfIgnoresEof_ReportsNoExitAfterEofAndKillsIt()
    {
        // Arrange
        var udf = new FakeUdf { HangAfterEof = true };

        // Act
        var result = await RunAsync(udf, options: new SimulatorOptions { ExitTimeout = TimeSpan.FromMilliseconds(300) });

        // Assert
        result.Probe!.Violations.Should().ContainSingle().Which.Kind.Should().Be(ViolationKind.NoExitAfterEof);
        result.Init.Should().BeNull("a fatal probe ends the run before the task");
        udf.Target.Connections.Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_UdfStopsReadingAndAnswering_TimesOutAndIsKilledWithoutHanging()
    {
        // Arrange: after Init the UDF reads nothing more, so far more input than a pipe holds backs up.
        var udf = new FakeUdf
        {
            OnInit = (_, respond) =>
            {
                respond.Send(new Response { Init = new InitResponse { Success = true } });
                respond.Stall();
            },
        };
        var input = string.Join('\n', Enumerable.Range(0, 20_000).Select(i => $"measurement,tag=value field=1,other=2 {i}"));
        var options = new SimulatorOptions { Timeout = TimeSpan.FromSeconds(1), ExitTimeout = TimeSpan.FromMilliseconds(300) };

        // Act
        var result = await RunAsync(udf, input, options);

        // Assert
        result.Violations.Select(v => v.Kind).Should().Equal(ViolationKind.KeepaliveTimeout, ViolationKind.NoExitAfterEof);
        result.Violations[1].Message.Should().StartWith("the UDF stopped reading its input (a request write is still blocked)");
        result.PointsSent.Should().BeLessThan(20_000);
        result.ExitCode.Should().BeNull("it was killed");
    }

    [Fact]
    public async Task RunAsync_NonZeroExitCode_IsReportedWithTheCode()
    {
        // Arrange
        var udf = new FakeUdf { ExitCode = 3 };

        // Act
        var result = await RunAsync(udf);

        // Assert
        result.ExitCode.Should().Be(3);
        result.Violations.Where(v => v.Phase == SimulationPhase.Task).Should().ContainSingle()
            .Which.Message.Should().StartWith("process exited unexpectedly: exit status 3");
        result.Probe!.Violations.Should().ContainSingle().Which.Kind.Should().Be(ViolationKind.NonZeroExitCode);
    }

    [Fact]
    public async Task RunAsync_ErrorResponse_FailsTheNodeWithItsText()
    {
        // Arrange
        var udf = new FakeUdf { OnPoint = (_, respond) => respond.Send(new Response { Error = new ErrorResponse { Error = "batching not supported" } }) };

        // Act
        var result = await RunAsync(udf);

        // Assert
        var violation = result.Violations.Should().ContainSingle().Subject;
        violation.Kind.Should().Be(ViolationKind.ErrorResponse);
        violation.Message.Should().Be("batching not supported");
        result.NodeError.Should().Be("batching not supported");
    }

    [Fact]
    public async Task RunAsync_InitRefused_FailsToInitializeWithKapacitorsText()
    {
        // Arrange: Go's moving_avg errors start with a space, hence the double space.
        var udf = new FakeUdf { OnInit = (_, respond) => respond.Send(new Response { Init = new InitResponse { Error = " must supply field" } }) };

        // Act
        var result = await RunAsync(udf);

        // Assert
        result.NodeError.Should().Be("failed to initialize processes  must supply field");
        result.Violations.Should().ContainSingle().Which.Kind.Should().Be(ViolationKind.InitFailed);
        result.PointsSent.Should().Be(0);
        udf.ReceivedOn(1).Should().NotContain(r => r.MessageCase == Request.MessageOneofCase.Point);
    }

    [Fact]
    public async Task RunAsync_RestoreRefused_FailsWithKapacitorsText()
    {
        // Arrange
        var udf = new FakeUdf { OnRestore = (_, respond) => respond.Send(new Response { Restore = new RestoreResponse { Error = "not implemented" } }) };

        // Act
        var result = await RunAsync(udf, options: new SimulatorOptions { RestoreSnapshot = [1] });

        // Assert
        result.NodeError.Should().Be("error restoring snapshot: not implemented");
        result.PointsSent.Should().Be(0);
    }

    [Fact]
    public async Task RunAsync_OptionTypeMismatch_IsDefineErrorAndNoTaskConnectionOpens()
    {
        // Arrange
        var udf = new FakeUdf(Info(options: [("scale", [Protocol.ValueType.Double])]));
        var options = new SimulatorOptions { Options = ["scale(2)"] };

        // Act
        var result = await RunAsync(udf, options: options);

        // Assert
        result.DefineError.Should().Be("unexpected arg to scale, got INT expected DOUBLE");
        result.Violations.Should().ContainSingle().Which.Phase.Should().Be(SimulationPhase.Define);
        udf.Target.Connections.Should().Be(1, "only the Info probe ran");
    }

    [Fact]
    public async Task RunAsync_BatchUdfWithoutBatchPeriod_IsDefineError()
    {
        // Arrange
        var udf = new FakeUdf(Info(wants: EdgeType.Batch, provides: EdgeType.Batch));

        // Act
        var result = await RunAsync(udf);

        // Assert
        result.DefineError.Should().StartWith("cannot add child mismatched edges");
        udf.Target.Connections.Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_ViolationCallback_SeesEachViolationAsDetected()
    {
        // Arrange
        var seen = new System.Collections.Concurrent.ConcurrentQueue<Violation>();
        var udf = new FakeUdf { OnPoint = (_, respond) => respond.Send(new Response { Error = new ErrorResponse { Error = "boom" } }) };

        // Act
        var result = await RunAsync(udf, options: new SimulatorOptions { ViolationDetected = seen.Enqueue });

        // Assert
        seen.Should().Equal(result.Violations);
    }
}
