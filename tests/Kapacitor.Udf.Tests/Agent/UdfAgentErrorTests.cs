using Google.Protobuf;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Agent;

public class UdfAgentErrorTests
{
    [Fact]
    public async Task Init_HandlerThrows_AnswersSuccessFalseWithMethodTypeAndMessage()
    {
        // Requirement 12: a failed Init is an answer, not a crash.
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnInit = _ => throw new ArgumentException("size must be positive"),
        });

        await harness.SendAsync(Requests.Init());

        (await harness.ReadAsync()).Init.Should().Be(new InitResponse
        {
            Success = false,
            Error = "Init: ArgumentException: size must be positive",
        });
        harness.CompleteInput();
        (await harness.WaitForExitAsync()).Succeeded.Should().BeTrue("Kapacitor closes the input after a failed Init; that is an orderly end");
    }

    [Fact]
    public async Task Init_HandlerRejects_PassesItsErrorThrough()
    {
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnInit = _ => ValueTask.FromResult(new InitResponse { Success = false, Error = "must supply field" }),
        });

        await harness.SendAsync(Requests.Init());

        (await harness.ReadAsync()).Init.Error.Should().Be("must supply field");
    }

    [Fact]
    public async Task Restore_HandlerThrows_AnswersSuccessFalse()
    {
        // Requirement 16.
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnRestore = _ => throw new FormatException("bad state"),
        });

        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();
        await harness.SendAsync(Requests.Restore([1]));

        (await harness.ReadAsync()).Restore.Should().Be(new RestoreResponse { Success = false, Error = "Restore: FormatException: bad state" });
    }

    [Fact]
    public async Task Snapshot_HandlerThrows_AnswersTheLastGoodSnapshot()
    {
        // Requirement 15: an ErrorResponse here would kill the task; the stored state must not be lost either.
        var calls = 0;
        var log = new CollectingLogger();
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnSnapshot = () => ++calls == 1
                ? ValueTask.FromResult(new SnapshotResponse { Snapshot = ByteString.CopyFromUtf8("good") })
                : throw new InvalidOperationException("disk on fire"),
        }, new UdfAgentOptions { Logger = log.Logger });

        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();
        await harness.SendAsync(Requests.Snapshot());
        await harness.SendAsync(Requests.Snapshot());

        (await harness.ReadAsync()).Snapshot.Snapshot.ToStringUtf8().Should().Be("good");
        (await harness.ReadAsync()).Snapshot.Snapshot.ToStringUtf8().Should().Be("good");
        log.Messages(Serilog.Events.LogEventLevel.Error).Should().ContainSingle()
            .Which.Should().Contain("Snapshot: InvalidOperationException: disk on fire");
    }

    [Fact]
    public async Task Snapshot_LargerThanTheMaximumFrame_IsRefusedForTheLastGoodOne()
    {
        var log = new CollectingLogger();
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnSnapshot = () => ValueTask.FromResult(new SnapshotResponse { Snapshot = ByteString.CopyFrom(new byte[2000]) }),
        }, new UdfAgentOptions { MaxFrameSize = 1000, Logger = log.Logger });

        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();
        await harness.SendAsync(Requests.Snapshot());

        (await harness.ReadAsync()).Snapshot.Snapshot.IsEmpty.Should().BeTrue();
        log.Messages(Serilog.Events.LogEventLevel.Error).Should().ContainSingle().Which.Should().Contain("could never be restored");
    }

    [Fact]
    public async Task Point_HandlerThrows_OneErrorResponseThenNoMoreCallsAndExitCode1()
    {
        // Requirement 26: ErrorResponse, stop processing, close, exit by itself.
        TestHandler? handler = null;
        await using var harness = UdfTestHarness.Start(ctx => handler = new TestHandler(ctx)
        {
            OnPoint = p => p.Time == 2 ? throw new InvalidOperationException("cannot divide") : ctx.EmitPointAsync(p),
        });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();

        for (var i = 1; i <= 5; i++)
        {
            await harness.SendAsync(Requests.Point(i));
        }

        (await harness.ReadAsync()).Point.Time.Should().Be(1);
        (await harness.ReadAsync()).Error.Error.Should().Be("Point: InvalidOperationException: cannot divide");
        (await harness.ReadOrEndAsync()).Should().BeNull("nothing follows the ErrorResponse");

        harness.CompleteInput();
        var result = await harness.WaitForExitAsync();
        result.ExitCode.Should().Be(1);
        result.Reason.Should().Be(UdfFailureReason.HandlerFailed);
        handler!.Calls.Count(c => c == "Point").Should().Be(2);
        handler.Calls.Last().Should().Be("Stop");
    }

    [Fact]
    public async Task RunAsync_AfterErrorInputNeverEnds_GivesUpAtTheDrainDeadline()
    {
        var clock = new ManualTimeProvider();
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnPoint = _ => throw new InvalidOperationException("boom"),
        }, new UdfAgentOptions { TimeProvider = clock, DrainTimeout = TimeSpan.FromSeconds(3) });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();
        await harness.SendAsync(Requests.Point(1));
        await harness.ReadAsync();

        clock.Advance(TimeSpan.FromSeconds(3));

        var result = await harness.WaitForExitAsync();
        result.ExitCode.Should().Be(1);
        result.Reason.Should().Be(UdfFailureReason.HandlerFailed, "the first failure wins over the drain deadline");
    }

    [Fact]
    public async Task RunAsync_MalformedPayload_ErrorResponseNamesTheOffset()
    {
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx));

        await harness.SendAsync(Requests.Keepalive(1)); // 5 bytes
        await harness.ReadAsync();
        await harness.SendBytesAsync(new byte[] { 0x03, 0x0a, 0x05, 0x00 }); // info with a length running past the payload

        var error = (await harness.ReadAsync()).Error.Error;
        error.Should().StartWith("read error at byte offset 5: malformed Request of 3 bytes:");
        harness.CompleteInput();
        (await harness.WaitForExitAsync()).Reason.Should().Be(UdfFailureReason.MalformedRequest);
    }

    [Fact]
    public async Task RunAsync_FrameAboveTheMaximum_RejectedFromItsPrefixAlone()
    {
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx), new UdfAgentOptions { MaxFrameSize = 1024 });

        await harness.SendBytesAsync(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x08 }); // announces 2^31 bytes, sends none

        (await harness.ReadAsync()).Error.Error.Should()
            .Be("read error at byte offset 0: frame length 2147483648 bytes exceeds the maximum frame size of 1024 bytes");
        harness.CompleteInput();
        (await harness.WaitForExitAsync()).Reason.Should().Be(UdfFailureReason.FrameTooLarge);
    }

    [Theory]
    [InlineData(new byte[] { 0x80 }, "read error at byte offset 0: input ended inside a frame length prefix after 1 byte(s)")]
    [InlineData(new byte[] { 0x0a, 0x12, 0x02 }, "read error at byte offset 0: input ended inside a frame: expected 10 payload bytes, got 2 (8 missing)")]
    public async Task RunAsync_InputEndsInsideAFrame_ErrorResponseSaysWhere(byte[] bytes, string expected)
    {
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx));

        await harness.SendBytesAsync(bytes);
        harness.CompleteInput();

        (await harness.ReadAsync()).Error.Error.Should().Be(expected);
        (await harness.WaitForExitAsync()).Reason.Should().Be(UdfFailureReason.InputTruncated);
    }

    [Theory]
    [InlineData(new byte[] { 0x09, 0x8a, 0x01, 0x06, 0x3a, 0x04, 0x0a, 0x02, 0x68, 0xff }, "point.tags (key)")]
    [InlineData(new byte[] { 0x05, 0x12, 0x03, 0x1a, 0x01, 0xc0 }, "init.nodeID")]
    public async Task RunAsync_InvalidUtf8InAString_ErrorResponseNamesTheField(byte[] frame, string field)
    {
        // Google.Protobuf would substitute U+FFFD; we do not invent data (issue 6).
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx));
        if (frame[1] != 0x12)
        {
            await harness.SendAsync(Requests.Init());
            await harness.ReadAsync();
        }

        await harness.SendBytesAsync(frame);

        (await harness.ReadAsync()).Error.Error.Should().Contain($"invalid UTF-8 in string field {field}");
        harness.CompleteInput();
        (await harness.WaitForExitAsync()).Reason.Should().Be(UdfFailureReason.InvalidUtf8);
    }

    [Fact]
    public async Task RunAsync_HandlerFactoryThrows_ErrorResponseAndExitCode1()
    {
        await using var harness = UdfTestHarness.Start(_ => throw new InvalidOperationException("model file missing"));

        (await harness.ReadAsync()).Error.Error.Should().Be("handler factory: InvalidOperationException: model file missing");
        (await harness.WaitForExitAsync()).Reason.Should().Be(UdfFailureReason.HandlerFactoryFailed);
    }

    [Fact]
    public async Task StartBackground_WorkThrows_FailsTheAgentLikeAHandler()
    {
        await using var harness = UdfTestHarness.Start(ctx =>
        {
            ctx.StartBackground("ticker", _ => throw new TimeoutException("source stalled"));
            return new TestHandler(ctx);
        });

        (await harness.ReadAsync()).Error.Error.Should().Be("ticker: TimeoutException: source stalled");
        harness.CompleteInput();
        (await harness.WaitForExitAsync()).Reason.Should().Be(UdfFailureReason.BackgroundWorkFailed);
    }

    [Theory]
    [InlineData("point", "protocol error: a point arrived before Init")]
    [InlineData("begin-before-init", "protocol error: a BeginBatch arrived before Init")]
    [InlineData("end-before-init", "protocol error: an EndBatch arrived before Init")]
    [InlineData("begin-stream", "protocol error: a BeginBatch arrived but this UDF wants STREAM")]
    [InlineData("end-stream", "protocol error: an EndBatch arrived but this UDF wants STREAM")]
    [InlineData("end-without-begin", "protocol error: an EndBatch arrived without a BeginBatch")]
    [InlineData("begin-twice", "protocol error: a BeginBatch arrived while the previous batch was still open (no EndBatch)")]
    [InlineData("point-outside-batch", "protocol error: a point arrived outside a batch (no BeginBatch before it)")]
    [InlineData("init-twice", "protocol error: a second InitRequest on the same connection")]
    public async Task RunAsync_ProtocolViolation_ErrorResponseNamesIt(string scenario, string expected)
    {
        var wantsBatch = scenario is "end-without-begin" or "begin-twice" or "point-outside-batch";
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            Info = new InfoResponse { Wants = wantsBatch ? EdgeType.Batch : EdgeType.Stream, Provides = EdgeType.Stream },
        });
        var requests = scenario switch
        {
            "point" => new[] { Requests.Point(1) },
            "begin-before-init" => [Requests.Begin()],
            "end-before-init" => [Requests.End()],
            "begin-stream" => [Requests.Init(), Requests.Begin()],
            "end-stream" => [Requests.Init(), Requests.End()],
            "end-without-begin" => [Requests.Init(), Requests.End()],
            "begin-twice" => [Requests.Init(), Requests.Begin(), Requests.Begin()],
            "point-outside-batch" => [Requests.Init(), Requests.Point(1)],
            _ => [Requests.Init(), Requests.Init()],
        };

        foreach (var request in requests)
        {
            await harness.SendAsync(request);
        }

        var responses = await ReadUntilErrorAsync(harness);
        responses.Last().Error.Error.Should().Be(expected);
        harness.CompleteInput();
        (await harness.WaitForExitAsync()).Reason.Should().Be(UdfFailureReason.ProtocolViolation);
    }

    private static async Task<List<Response>> ReadUntilErrorAsync(UdfTestHarness harness)
    {
        var responses = new List<Response>();
        do
        {
            responses.Add(await harness.ReadAsync());
        }
        while (responses[^1].MessageCase != Response.MessageOneofCase.Error);

        return responses;
    }
}
