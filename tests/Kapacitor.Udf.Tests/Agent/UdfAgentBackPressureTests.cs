using System.Buffers;
using System.IO.Pipelines;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Agent;

/// <summary>Issue 6, item 3, in bytes: with nobody reading the output, the input the agent takes in stops at the sum
/// of its configured bounds (output pipe, flush threshold, queue, the read buffer in hand) however much is offered.</summary>
public class UdfAgentBackPressureTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RunAsync_OutputNeverRead_InputTakenStaysWithinTheConfiguredBounds()
    {
        // Arrange: 1 KiB points, a 16-request queue, 64 KiB pipes on both sides.
        const int PipeBytes = 64 * 1024;
        const int QueueCapacity = 16;
        var input = new Pipe(new PipeOptions(pauseWriterThreshold: PipeBytes, resumeWriterThreshold: PipeBytes / 2));
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: PipeBytes, resumeWriterThreshold: PipeBytes / 2));
        var options = new UdfAgentOptions { QueueCapacity = QueueCapacity, FlushThresholdBytes = 16 * 1024 };
        var agent = new UdfAgent(input.Reader, output.Writer, ctx => new TestHandler(ctx), options);
        var run = agent.RunAsync();
        VarintFrame.WriteFrame(input.Writer, Requests.Init());
        await input.Writer.FlushAsync();
        var frame = Frame(Point(0));

        // Act: offer 16 MiB; the writer's flush blocks once the agent stops taking input.
        long offered = 0;
        var send = Task.Run(async () =>
        {
            for (var i = 0; i < 16 * 1024; i++)
            {
                input.Writer.Write(frame);
                await input.Writer.FlushAsync();
                Interlocked.Add(ref offered, frame.Length);
            }
        });
        var stalledAt = await Eventually.StalledAsync(() => Interlocked.Read(ref offered), send);

        // Assert: taken in = offered - what still sits in the input pipe (at most its pause threshold).
        var takenIn = stalledAt - PipeBytes;
        var bound = PipeBytes                          // echoes waiting in the unread output pipe
            + options.FlushThresholdBytes              // echoes pending in the writer before a flush
            + ((QueueCapacity + 2) * frame.Length)     // queued requests, one in the handler, one being queued
            + (4 * 4096)                               // the read buffer in hand (one pipe segment or so)
            + PipeBytes;                               // the input pipe itself, counted once more for its segments
        send.IsCompleted.Should().BeFalse("16 MiB must not all be taken in while the output is never read");
        takenIn.Should().BeLessThan(bound, $"the agent took in {takenIn} bytes with nothing read");

        // Reading resumes: everything offered comes back.
        var reading = PipeResponses.ReadAsync(output.Reader);
        await send.WaitAsync(HangGuard);
        await input.Writer.CompleteAsync();
        (await run.WaitAsync(HangGuard)).Succeeded.Should().BeTrue();
        (await reading.WaitAsync(HangGuard)).Should().HaveCount(1 + (16 * 1024), "the Init answer and every point");
    }

    private static Point Point(long time)
    {
        var request = Requests.Point(time);
        request.Point.FieldsString["text"] = new string('x', 1000);
        return request.Point;
    }

    private static byte[] Frame(Point point)
    {
        var buffer = new ArrayBufferWriter<byte>();
        VarintFrame.WriteFrame(buffer, new Request { Point = point });
        return buffer.WrittenSpan.ToArray();
    }
}
