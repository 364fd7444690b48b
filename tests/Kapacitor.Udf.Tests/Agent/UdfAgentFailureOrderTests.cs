using System.Buffers;
using System.IO.Pipelines;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Agent;

/// <summary>Regression tests for the failure paths issue 6 found broken: each failed before its fix.</summary>
public class UdfAgentFailureOrderTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RunAsync_DrainDeadlineAfterErrorWithStreamOutput_EndsWithFailureInsteadOfCrashing()
    {
        // Process mode writes STDOUT through a StreamPipeWriter, whose CancelPendingFlush throws once it is
        // completed. Aborting it at the drain deadline used to throw out of RunAsync: an unhandled exception, exit 134.
        var clock = new ManualTimeProvider();
        var input = new Pipe();
        var output = new Pipe();
        var agent = new UdfAgent(
            input.Reader,
            PipeWriter.Create(output.Writer.AsStream()),
            ctx => new TestHandler(ctx) { OnPoint = _ => throw new InvalidOperationException("boom") },
            new UdfAgentOptions { TimeProvider = clock, DrainTimeout = TimeSpan.FromSeconds(3) });
        var run = agent.RunAsync();
        await WriteAsync(input.Writer, Requests.Init(), Requests.Point(1));

        var responses = await PipeResponses.ReadAsync(output.Reader, PipeResponses.EndsWithError);
        responses.Last().Error.Error.Should().Be("Point: InvalidOperationException: boom");
        clock.Advance(TimeSpan.FromSeconds(3)); // the input never ends: Kapacitor has not closed it

        var result = await run.WaitAsync(HangGuard);
        result.ExitCode.Should().Be(1);
        result.Reason.Should().Be(UdfFailureReason.HandlerFailed, "the first failure wins over the drain deadline");
    }

    [Fact]
    public async Task RunAsync_BadFrameAfterARequestInProgress_AnswersTheRequestBeforeTheError()
    {
        // Requirement 17 and 26: the answers to requests before a bad frame are written first; the error is last.
        var initGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnInit = async _ =>
            {
                await initGate.Task;
                return new InitResponse { Success = true };
            },
        });

        // Init (held in the handler), a keepalive (answered by the reader: proof it got this far), then an 11-byte
        // varint, all in one write.
        var bytes = new ArrayBufferWriter<byte>();
        VarintFrame.WriteFrame(bytes, Requests.Init());
        VarintFrame.WriteFrame(bytes, Requests.Keepalive(7));
        var badFrameOffset = bytes.WrittenCount;
        bytes.Write(Enumerable.Repeat((byte)0xff, 11).ToArray());
        await harness.SendBytesAsync(bytes.WrittenMemory).AsTask().WaitAsync(HangGuard);
        (await harness.ReadAsync()).Keepalive.Time.Should().Be(7);
        initGate.SetResult();

        var rest = await harness.ReadToEndAsync().WaitAsync(HangGuard);

        rest.Select(r => r.MessageCase).Should().Equal(Response.MessageOneofCase.Init, Response.MessageOneofCase.Error);
        rest[0].Init.Success.Should().BeTrue();
        rest[1].Error.Error.Should().StartWith($"read error at byte offset {badFrameOffset}: frame length prefix is longer than 10 bytes");
        harness.CompleteInput();
        (await harness.WaitForExitAsync()).Reason.Should().Be(UdfFailureReason.MalformedFrame);
    }

    [Fact]
    public async Task FailAsync_WhileABackgroundEmitterWrites_NothingFollowsTheErrorResponse()
    {
        // Requirement 26: the ErrorResponse is the last frame. Writing it and completing the output used to be two
        // lock holds, and an emitter could slip a point in between; repeated because that window is narrow.
        for (var run = 0; run < 10; run++)
        {
            await using var harness = UdfTestHarness.Start(ctx =>
            {
                // Emits without a token, as code on a timer or another library's thread may: only the closed
                // output stops it.
                ctx.StartBackground("emitter", async _ =>
                {
                    var point = new Point { Name = "tick", Time = 1 };
                    while (true)
                    {
                        await ctx.EmitPointAsync(point);
                    }
                });
                return new TestHandler(ctx) { OnPoint = p => p.Time == 2 ? throw new InvalidOperationException("boom") : ValueTask.CompletedTask };
            });
            await harness.SendAsync(Requests.Init());
            await harness.SendAsync(Requests.Point(1)); // opens the data gate
            await harness.SendAsync(Requests.Point(2));

            var responses = await harness.ReadToEndAsync().WaitAsync(HangGuard);

            responses.Should().ContainSingle(r => r.MessageCase == Response.MessageOneofCase.Error);
            responses.Last().Error.Error.Should().Be("Point: InvalidOperationException: boom", $"run {run}: nothing may follow the error");
        }
    }

    [Fact]
    public async Task RunAsync_NestedLengthNear2To31_ReportedAsAMalformedRequest()
    {
        // A nested length near 2^31 made Google.Protobuf 3.25.1 throw IndexOutOfRangeException instead of
        // InvalidProtocolBufferException (protocolbuffers/protobuf#26856; 3.36 throws the latter). Either way it is the
        // payload's fault, never a broken input.
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx));

        // length 7 | init (field 2, length-delimited) | length 2^31-1 | one byte of it
        await harness.SendBytesAsync(new byte[] { 0x07, 0x12, 0xff, 0xff, 0xff, 0xff, 0x07, 0x0a });

        (await harness.ReadAsync()).Error.Error.Should()
            .StartWith("read error at byte offset 0: malformed Request of 7 bytes: ");
        harness.CompleteInput();
        (await harness.WaitForExitAsync()).Reason.Should().Be(UdfFailureReason.MalformedRequest);
    }

    [Fact]
    public async Task Init_InfoThrowsDuringInit_FailureNamesInfo()
    {
        // The agent asks Info inside Init (for the edge types); its failure is Info's, not Init's.
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnInfo = () => throw new InvalidOperationException("no schema"),
        });

        await harness.SendAsync(Requests.Init());

        (await harness.ReadAsync()).Init.Should().Be(new InitResponse { Success = false, Error = "Info: InvalidOperationException: no schema" });
    }

    [Fact]
    public async Task RunAsync_LargeRequestsWhileTheHandlerIsBusy_QueueHoldsAtMostOneMaximumFrame()
    {
        // Issue 6 security: the queue's 256 slots must not hold 256 maximum-size frames. Large requests share one
        // maximum frame of room; past it the reader stops reading, so the sender blocks.
        const int maxFrame = 1024 * 1024;
        var initGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = UdfTestHarness.Start(
            ctx => new TestHandler(ctx)
            {
                OnInit = async _ =>
                {
                    await initGate.Task;
                    return new InitResponse { Success = true };
                },
            },
            new UdfAgentOptions { MaxFrameSize = maxFrame });
        await harness.SendAsync(Requests.Init());
        var snapshot = new byte[600 * 1024];

        var sends = SendAllAsync(harness, Enumerable.Range(0, 10).Select(_ => Requests.Restore(snapshot)));
        await Eventually.TrueAsync(() => sends.IsCompleted || harness.Agent.IsWaitingForQueueRoom, "the sends finish or the reader waits for room", HangGuard);

        sends.IsCompleted.Should().BeFalse("ten 600 KiB requests exceed one 1 MiB budget, so the input must stop being read");
        initGate.SetResult();
        await sends.WaitAsync(HangGuard);
        var answers = new List<Response>();
        for (var i = 0; i < 11; i++)
        {
            answers.Add(await harness.ReadAsync());
        }

        answers.Select(a => a.MessageCase).Should().Equal(
            [Response.MessageOneofCase.Init, .. Enumerable.Repeat(Response.MessageOneofCase.Restore, 10)]);
    }

    private static async Task SendAllAsync(UdfTestHarness harness, IEnumerable<Request> requests)
    {
        foreach (var request in requests)
        {
            await harness.SendAsync(request);
        }
    }

    private static async Task WriteAsync(PipeWriter writer, params Request[] requests)
    {
        foreach (var request in requests)
        {
            VarintFrame.WriteFrame(writer, request);
        }

        await writer.FlushAsync().AsTask().WaitAsync(HangGuard);
    }
}
