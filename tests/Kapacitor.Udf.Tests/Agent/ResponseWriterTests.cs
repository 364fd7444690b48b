using System.IO.Pipelines;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Agent;

public class ResponseWriterTests
{
    [Fact]
    public async Task WriteManagementAsync_ResponseWithNoMessage_IsRefusedAndNothingIsWritten()
    {
        // Requirement 7: an empty Response panics kapacitord (#2132).
        var pipe = new Pipe();
        var writer = NewWriter(pipe);

        var write = async () => await writer.WriteManagementAsync(new Response());

        await write.Should().ThrowAsync<ArgumentException>().WithMessage("*#2132*");
        await writer.CompleteAsync("done");
        var result = await pipe.Reader.ReadAsync();
        result.Buffer.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public async Task WriteBatchAsync_SizeDisagreesWithPoints_SendsTheRealCountWithoutChangingTheCaller()
    {
        // Requirement 21: size >= 0 and the real count.
        var pipe = new Pipe();
        var writer = NewWriter(pipe);
        await writer.OpenDataGateAsync();
        var begin = new BeginBatch { Name = "cpu", Size = -5 };

        await writer.WriteBatchAsync(begin, [new Point { Time = 1 }, new Point { Time = 2 }], new EndBatch { Name = "cpu" }, default);
        await writer.CompleteAsync("done");

        var frames = await PipeResponses.ReadAsync(pipe.Reader);
        frames.Select(r => r.MessageCase).Should().Equal(
            Response.MessageOneofCase.Begin, Response.MessageOneofCase.Point, Response.MessageOneofCase.Point, Response.MessageOneofCase.End);
        frames[0].Begin.Size.Should().Be(2);
        begin.Size.Should().Be(-5);
    }

    [Fact]
    public void SweepStale_NothingPending_Disarmed()
    {
        var writer = NewWriter(new Pipe());

        writer.SweepStale(0).Should().Be(long.MaxValue);
    }

    [Fact]
    public async Task SweepStale_PendingYoungerThanTheBound_LooksAgainAtTheBound()
    {
        // Arrange: input in flight, so an emit stays pending.
        var (writer, pipe, clock, _) = await BusyWriterAsync();
        var emittedAt = clock.GetTimestamp();
        await writer.WritePointAsync(new Point { Time = 1 }, default);

        // Act
        var due = writer.SweepStale(emittedAt + Delay(clock) - 1);

        // Assert
        due.Should().Be(emittedAt + Delay(clock));
        pipe.Reader.TryRead(out _).Should().BeFalse("nothing is flushed before the bound");
    }

    [Fact]
    public async Task SweepStale_PendingAtTheBound_FlushedAndDisarmed()
    {
        // Arrange
        var (writer, pipe, clock, _) = await BusyWriterAsync();
        var emittedAt = clock.GetTimestamp();
        await writer.WritePointAsync(new Point { Time = 1 }, default);

        // Act
        var due = writer.SweepStale(emittedAt + Delay(clock));

        // Assert
        due.Should().Be(long.MaxValue);
        writer.FlushCount.Should().Be(1);
        (await PipeResponses.ReadAsync(pipe.Reader, r => r.Count == 1)).Single().Point.Time.Should().Be(1);
        writer.SweepStale(emittedAt + (10 * Delay(clock))).Should().Be(long.MaxValue, "nothing is pending any more");
    }

    [Fact]
    public async Task SweepStale_OutputCompleted_Disarmed()
    {
        var (writer, _, clock, _) = await BusyWriterAsync();
        await writer.WritePointAsync(new Point { Time = 1 }, default);
        writer.Abort(new TimeoutException("gave up"));

        writer.SweepStale(clock.GetTimestamp() + (10 * Delay(clock))).Should().Be(long.MaxValue);
    }

    [Fact]
    public async Task FlushIfIdleAsync_InputGoesIdle_PendingDataFlushedOnce()
    {
        // Arrange
        var (writer, pipe, _, activity) = await BusyWriterAsync();
        await writer.WritePointAsync(new Point { Time = 1 }, default);
        await writer.FlushIfIdleAsync();
        var whileBusy = writer.FlushCount;

        // Act
        activity.End().Should().BeTrue();
        await writer.FlushIfIdleAsync();
        await writer.FlushIfIdleAsync();

        // Assert
        whileBusy.Should().Be(0, "the input is not idle yet");
        writer.FlushCount.Should().Be(1, "a second look finds nothing pending");
        (await PipeResponses.ReadAsync(pipe.Reader, r => r.Count == 1)).Single().Point.Time.Should().Be(1);
    }

    [Fact]
    public async Task TryWriteHeartbeat_OutputOpen_WritesAKeepaliveAtOnce()
    {
        var (writer, pipe, _, _) = await BusyWriterAsync();

        var written = writer.TryWriteHeartbeat(77);

        written.Should().BeTrue();
        (await PipeResponses.ReadAsync(pipe.Reader, r => r.Count == 1)).Single().Keepalive.Time.Should().Be(77);
    }

    [Fact]
    public async Task TryWriteHeartbeat_OutputCompleted_Skipped()
    {
        var (writer, _, _, _) = await BusyWriterAsync();
        await writer.CompleteAsync("done");

        writer.TryWriteHeartbeat(77).Should().BeFalse();
    }

    // A writer on a manual clock with its gate open and one piece of input in flight (so data is not flushed on idle).
    private static async Task<(ResponseWriter Writer, Pipe Pipe, ManualTimeProvider Clock, InputActivity Activity)> BusyWriterAsync()
    {
        var clock = new ManualTimeProvider();
        var pipe = new Pipe();
        var activity = new InputActivity();
        var writer = new ResponseWriter(pipe.Writer, new UdfAgentOptions { TimeProvider = clock }, activity, AgentSweeper.For(clock), _ => { });
        await writer.OpenDataGateAsync();
        activity.Begin();
        return (writer, pipe, clock, activity);
    }

    private static long Delay(TimeProvider clock) => ResponseWriter.ToTimestamp(UdfAgentOptions.DefaultMaxOutputDelay, clock);

    private static ResponseWriter NewWriter(Pipe pipe) =>
        new(pipe.Writer, new UdfAgentOptions(), new InputActivity(), AgentSweeper.For(TimeProvider.System), _ => { });
}
