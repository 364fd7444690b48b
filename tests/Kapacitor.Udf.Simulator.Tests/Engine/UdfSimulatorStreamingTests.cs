using System.IO.Pipelines;
using System.Text;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Simulator.Input;
using Kapacitor.Udf.Simulator.Tests.Support;
using static Kapacitor.Udf.Simulator.Tests.Support.TestData;
using static Kapacitor.Udf.Tests.Support.InfoResponses;

namespace Kapacitor.Udf.Simulator.Tests.Engine;

// Input read while the task runs (issue 13): live sources, broken input, stopping, recordings, bounded results.
public sealed class UdfSimulatorStreamingTests
{
    private const long Second = 1_000_000_000;

    private static IEnumerable<Request> Data(FakeUdf udf) =>
        udf.ReceivedOn(1).Where(r => r.MessageCase is Request.MessageOneofCase.Point or Request.MessageOneofCase.Begin or Request.MessageOneofCase.End);

    private static SimulatorInput LineProtocol(string text) => SimulatorInput.FromLineProtocol(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public async Task RunAsync_LiveInput_EachLineIsSentAndAnsweredBeforeTheNextArrives()
    {
        // Arrange: the input is a pipe written one line at a time, like `tail -f`.
        var pipe = new Pipe();
        var received = new SemaphoreSlim(0);
        var udf = new FakeUdf
        {
            OnPoint = (point, respond) =>
            {
                respond.Send(new Response { Point = point });
                received.Release();
            },
        };
        var answered = new SemaphoreSlim(0);
        var simulator = new UdfSimulator(new SimulatorOptions { ResponseReceived = r => Release(answered, r) });
        using var input = SimulatorInput.FromLineProtocol(pipe.Reader.AsStream());
        var run = simulator.RunAsync(udf.Target, input);

        // Act
        await pipe.Writer.WriteAsync("m v=1 1\n"u8.ToArray());
        var firstSent = await received.WaitAsync(Hang);
        var firstAnswered = await answered.WaitAsync(Hang);
        await pipe.Writer.WriteAsync("m v=2 2\n"u8.ToArray());
        var secondSent = await received.WaitAsync(Hang);
        await pipe.Writer.CompleteAsync();
        var result = await run.WaitAsync(Hang);

        // Assert
        (firstSent, firstAnswered, secondSent).Should().Be((true, true, true), "each line goes out, and its answer comes back, while the input is still open");
        result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
        result.Points.Select(p => p.Time).Should().Equal(1, 2);
    }

    [Fact]
    public async Task RunAsync_InputBreaksMidway_StopsTheTaskCleanlyAfterThePointsBefore()
    {
        // Arrange
        var udf = new FakeUdf();
        using var input = LineProtocol("m v=1 1\nm v=2 2\nm v=oops 3\nm v=4 4\n");

        // Act
        var result = await new UdfSimulator().RunAsync(udf.Target, input).WaitAsync(Hang);

        // Assert
        var violation = result.Violations.Should().ContainSingle().Subject;
        violation.Kind.Should().Be(ViolationKind.InputFailed);
        violation.Message.Should().StartWith("input: line 3, column 5: ");
        result.PointsSent.Should().Be(2);
        Data(udf).Select(r => r.Point.Time).Should().Equal(1, 2);
        result.Points.Should().HaveCount(2, "the UDF's answers to the points before the error are still read");
        result.ExitCode.Should().Be(0, "the UDF's input was closed as at the end of input");
    }

    [Fact]
    public async Task RunAsync_Stop_ClosesTheUdfsInputAndReturnsTheResult()
    {
        // Arrange: a live input that never ends by itself.
        var pipe = new Pipe();
        var received = new SemaphoreSlim(0);
        var sawEof = false;
        var udf = new FakeUdf
        {
            OnPoint = (point, respond) =>
            {
                respond.Send(new Response { Point = point });
                received.Release();
            },
            OnEof = _ => sawEof = true,
        };
        using var control = new SimulationControl();
        using var input = SimulatorInput.FromLineProtocol(pipe.Reader.AsStream());
        var run = new UdfSimulator().RunAsync(udf.Target, input, control);
        await pipe.Writer.WriteAsync("m v=1 1\n"u8.ToArray());
        (await received.WaitAsync(Hang)).Should().BeTrue();

        // Act
        control.Stop();
        var result = await run.WaitAsync(Hang);

        // Assert
        result.Stopped.Should().BeTrue();
        result.Killed.Should().BeFalse();
        result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
        result.ExitCode.Should().Be(0);
        result.PointsSent.Should().Be(1);
        control.PointsSent.Should().Be(1);
        control.PointsReceived.Should().Be(1);
        sawEof.Should().BeTrue("Kapacitor stops a task by closing the UDF's input");
    }

    [Fact]
    public async Task RunAsync_KillAfterStop_KillsAUdfThatDoesNotExitAndStillReturns()
    {
        // Arrange: a UDF that ignores the end of its input, and an exit timeout far away.
        var udf = new FakeUdf { HangAfterEof = true };
        var stderr = new SemaphoreSlim(0);
        using var control = new SimulationControl();
        var pipe = new Pipe();
        using var input = SimulatorInput.FromLineProtocol(pipe.Reader.AsStream());
        var simulator = new UdfSimulator(new SimulatorOptions { ExitTimeout = TimeSpan.FromMinutes(10) });
        var run = simulator.RunAsync(udf.Target, input, control);
        await pipe.Writer.WriteAsync("m v=1 1\n"u8.ToArray());
        control.Stop();

        // Act
        await Task.Delay(200);
        control.Kill();
        var result = await run.WaitAsync(Hang);

        // Assert
        result.Killed.Should().BeTrue();
        result.ExitCode.Should().BeNull();
        result.Violations.Should().BeEmpty("the user killed it; the UDF broke no rule in the time it was given");
    }

    [Fact]
    public async Task RunAsync_StopBeforeTheTask_RunsTheProbeOnly()
    {
        // Arrange
        var udf = new FakeUdf();
        using var control = new SimulationControl();
        control.Stop();
        using var input = LineProtocol("m v=1 1\n");

        // Act
        var result = await new UdfSimulator().RunAsync(udf.Target, input, control).WaitAsync(Hang);

        // Assert
        result.Stopped.Should().BeTrue();
        udf.Target.Connections.Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_KeepResponsesOff_CountsEverythingAndKeepsNothing()
    {
        // Arrange
        var udf = new FakeUdf(Info(EdgeType.Batch, EdgeType.Batch));
        var simulator = new UdfSimulator(new SimulatorOptions { BatchPeriod = TimeSpan.FromSeconds(10), KeepResponses = false });
        using var input = LineProtocol("m v=1 1000000000\nm v=2 2000000000\nm v=3 12000000000\n");

        // Act
        var result = await simulator.RunAsync(udf.Target, input).WaitAsync(Hang);

        // Assert
        result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
        result.Responses.Should().BeEmpty();
        result.Outputs.Should().BeEmpty();
        (result.PointsSent, result.BatchesSent, result.PointsReceived, result.BatchesReceived).Should().Be((3L, 2L, 3L, 2L));
    }

    [Fact]
    public async Task RunAsync_RepeatedViolation_KeepsTheFirstHundredAndCountsAll()
    {
        // Arrange: every point answered with a BeginBatch that never ends.
        var udf = new FakeUdf(Info(provides: EdgeType.Batch)) { OnPoint = (_, respond) => respond.Send(new Response { Begin = new BeginBatch() }) };
        var reported = 0;
        var simulator = new UdfSimulator(new SimulatorOptions { ViolationDetected = _ => Interlocked.Increment(ref reported) });
        using var input = SimulatorInput.FromPoints(Enumerable.Range(0, 150).Select(i => Raw("m", i, i)));

        // Act
        var result = await simulator.RunAsync(udf.Target, input).WaitAsync(Hang);

        // Assert
        result.ViolationCount.Should().Be(150, "149 BeginBatch while a batch is open, and the batch left open at the end");
        result.Violations.Should().HaveCount(100);
        reported.Should().Be(100);
    }

    [Fact]
    public async Task RunAsync_SlowConsumerOfResponses_IsNotTheUdfsKeepaliveTimeout()
    {
        // Arrange: the first response takes three timeouts to hand on (a STDOUT nobody reads); keepalives keep being
        // answered by the UDF meanwhile, but are not read.
        var udf = new FakeUdf();
        var first = true;
        var simulator = new UdfSimulator(new SimulatorOptions
        {
            Timeout = TimeSpan.FromSeconds(1),
            ResponseReceived = r =>
            {
                if (r.MessageCase == Response.MessageOneofCase.Point && first)
                {
                    first = false;
                    Thread.Sleep(3500);
                }
            },
        });

        // Act
        var result = await simulator.RunAsync(udf.Target, "m v=1 1\nm v=2 2\n").WaitAsync(Hang);

        // Assert
        result.Violations.Should().BeEmpty();
        result.Points.Should().HaveCount(2);
    }

    [Fact]
    public async Task RunAsync_StreamRecording_PointsGoOutWithTheirRecordedDatabaseAndRetentionPolicy()
    {
        // Arrange
        var path = Path.Combine(Path.GetTempPath(), $"sim-{Guid.NewGuid():N}.srpl");
        KapacitorRecording.WriteStream(path, [("telegraf", "autogen", "cpu,host=a v=1 1"), ("telegraf", "weekly", "cpu,host=b v=2 2")]);
        var udf = new FakeUdf();
        try
        {
            using var input = SimulatorInput.FromRecording(path);

            // Act
            var result = await new UdfSimulator(new SimulatorOptions { GroupBy = ["host"] }).RunAsync(udf.Target, input).WaitAsync(Hang);

            // Assert
            result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
            Data(udf).Select(r => (r.Point.Database, r.Point.RetentionPolicy, r.Point.Group))
                .Should().Equal(("telegraf", "autogen", "host=a"), ("telegraf", "weekly", "host=b"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task RunAsync_BatchRecording_SendsItsBatchesOnlyToABatchUdfWithoutABatchPeriod()
    {
        // Arrange
        var path = Path.Combine(Path.GetTempPath(), $"sim-{Guid.NewGuid():N}.brpl");
        var tags = new Dictionary<string, string> { ["host"] = "a" };
        KapacitorRecording.WriteBatch(path,
        [
            KapacitorRecording.Batch("cpu", 10 * Second, "host=a", tags,
                [new RecordedPoint(1 * Second, new Dictionary<string, object> { ["v"] = 1 }), new RecordedPoint(2 * Second, new Dictionary<string, object> { ["v"] = 2 })]),
        ]);
        var batchUdf = new FakeUdf(Info(EdgeType.Batch, EdgeType.Batch));
        var streamUdf = new FakeUdf();
        try
        {
            // Act
            SimulationResult batch, stream;
            using (var input = SimulatorInput.FromRecording(path))
            {
                batch = await new UdfSimulator().RunAsync(batchUdf.Target, input).WaitAsync(Hang);
            }

            using (var input = SimulatorInput.FromRecording(path))
            {
                stream = await new UdfSimulator().RunAsync(streamUdf.Target, input).WaitAsync(Hang);
            }

            using var withPeriod = SimulatorInput.FromRecording(path);
            var period = () => new UdfSimulator(new SimulatorOptions { BatchPeriod = TimeSpan.FromSeconds(10) }).RunAsync(batchUdf.Target, withPeriod);

            // Assert
            batch.IsClean.Should().BeTrue(string.Join("; ", batch.Violations));
            (batch.PointsSent, batch.BatchesSent).Should().Be((2L, 1L));
            Data(batchUdf).Select(r => r.MessageCase).Should().Equal(
                Request.MessageOneofCase.Begin, Request.MessageOneofCase.Point, Request.MessageOneofCase.Point, Request.MessageOneofCase.End);
            batch.Batches.Single().End!.Tmax.Should().Be(10 * Second);
            stream.DefineError.Should().Be("cannot add child mismatched edges: batch -> udf:stream (the UDF wants STREAM; a batch recording feeds batches)");
            await period.Should().ThrowAsync<ArgumentException>().WithMessage("a batch recording carries its own batches: drop the batch period*");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Release(SemaphoreSlim semaphore, Response response)
    {
        if (response.MessageCase == Response.MessageOneofCase.Point)
        {
            semaphore.Release();
        }
    }
}
