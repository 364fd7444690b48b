using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Agent;

public class UdfAgentLifecycleTests
{
    [Fact]
    public async Task RunAsync_InfoOnlyConnection_AnswersInfoThenEndsCleanly()
    {
        // Requirement 10: the startup probe is Info then EOF, with no Init.
        TestHandler? handler = null;
        await using var harness = UdfTestHarness.Start(ctx => handler = new TestHandler(ctx)
        {
            Info = new InfoResponse { Wants = EdgeType.Batch, Provides = EdgeType.Stream, Options = { ["size"] = new OptionInfo { ValueTypes = { Protocol.ValueType.Int } } } },
        });

        await harness.SendAsync(Requests.Info());
        harness.CompleteInput();

        var responses = await harness.ReadToEndAsync();
        responses.Should().ContainSingle().Which.Info.Should().Be(handler!.Info);
        (await harness.WaitForExitAsync()).Should().Be(UdfAgentResult.Success);
        handler.Calls.Should().Equal("Info", "Stop");
    }

    [Fact]
    public async Task RunAsync_KeepaliveBeforeInit_EchoesTime()
    {
        // Requirement 11 and 14: keepalives may come first, and are answered with the same time.
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx));

        await harness.SendAsync(Requests.Keepalive(123456789));

        (await harness.ReadAsync()).Keepalive.Time.Should().Be(123456789);
    }

    [Fact]
    public async Task RunAsync_InitThenPoints_AnswersInitAndEchoesEveryPointInOrder()
    {
        TestHandler? handler = null;
        await using var harness = UdfTestHarness.Start(ctx => handler = new TestHandler(ctx));

        await harness.SendAsync(Requests.Init("cpu_task", "echo1"));
        (await harness.ReadAsync()).Init.Should().Be(new InitResponse { Success = true });
        for (var i = 0; i < 100; i++)
        {
            await harness.SendAsync(Requests.Point(i, i * 0.5));
        }

        harness.CompleteInput();

        var points = await harness.ReadToEndAsync();
        points.Select(r => r.Point.Time).Should().Equal(Enumerable.Range(0, 100).Select(i => (long)i));
        points.Select(r => r.Point.FieldsDouble["value"]).Should().Equal(Enumerable.Range(0, 100).Select(i => i * 0.5));
        (await harness.WaitForExitAsync()).Succeeded.Should().BeTrue();
        handler!.Context.TaskId.Should().Be("cpu_task");
        handler.Context.NodeId.Should().Be("echo1");
        handler.Calls.Last().Should().Be("Stop");
        handler.Calls.Count(c => c == "Stop").Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_ManagementRequests_AnsweredInRequestOrder()
    {
        // Requirement 17: management answers only in reply, in the order of the requests.
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnSnapshot = () => ValueTask.FromResult(new SnapshotResponse { Snapshot = Google.Protobuf.ByteString.CopyFromUtf8("state") }),
        });

        await harness.SendAsync(Requests.Init());
        await harness.SendAsync(Requests.Snapshot());
        await harness.SendAsync(Requests.Restore([1, 2, 3]));
        await harness.SendAsync(Requests.Info());
        harness.CompleteInput();

        var responses = await harness.ReadToEndAsync();
        responses.Select(r => r.MessageCase).Should().Equal(
            Response.MessageOneofCase.Init, Response.MessageOneofCase.Snapshot, Response.MessageOneofCase.Restore, Response.MessageOneofCase.Info);
        responses[1].Snapshot.Snapshot.ToStringUtf8().Should().Be("state");
        responses[2].Restore.Success.Should().BeTrue();
    }

    [Fact]
    public async Task RunAsync_DefaultSnapshot_IsAValidEmptySnapshot()
    {
        // Requirement 15: a handler that does not implement Snapshot still answers it.
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx));

        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();
        await harness.SendAsync(Requests.Snapshot());

        (await harness.ReadFrameOrEndAsync()).Should().Equal(0x02, 0x22, 0x00);
    }

    [Fact]
    public async Task RunAsync_EndOfInput_FinishesQueuedPointsBeforeStopAndExit()
    {
        // Requirement 27: on EOF, finish the queue, flush, close, succeed.
        var release = new TaskCompletionSource();
        TestHandler? handler = null;
        await using var harness = UdfTestHarness.Start(ctx => handler = new TestHandler(ctx)
        {
            OnPoint = async p =>
            {
                await release.Task;
                await ctx.EmitPointAsync(p);
            },
        });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();

        for (var i = 0; i < 10; i++)
        {
            await harness.SendAsync(Requests.Point(i));
        }

        harness.CompleteInput();
        release.SetResult();

        (await harness.ReadToEndAsync()).Should().HaveCount(10);
        (await harness.WaitForExitAsync()).ExitCode.Should().Be(0);
        handler!.Calls.Should().EndWith(["Point", "Stop"]);
    }

    [Fact]
    public async Task RunAsync_UnsetRequestOneof_IsIgnoredAndLogged()
    {
        // Requirement 6: an empty Request (or only unknown fields) is skipped; the connection carries on.
        var log = new CollectingLogger();
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx), new UdfAgentOptions { Logger = log.Logger });

        await harness.SendBytesAsync(new byte[] { 0x00 }); // zero-length frame: Request{}
        await harness.SendBytesAsync(new byte[] { 0x02, 0x08, 0x00 }); // field 1 with the wrong wire type: unknown
        await harness.SendBytesAsync(new byte[] { 0x03, 0xfa, 0x01, 0x00 }); // field 31: not in the oneof
        await harness.SendAsync(Requests.Keepalive(7));

        (await harness.ReadAsync()).Keepalive.Time.Should().Be(7);
        log.Messages(Serilog.Events.LogEventLevel.Warning).Should().HaveCount(3)
            .And.AllSatisfy(m => m.Should().StartWith("Ignoring a request with no known message set"));
        harness.CompleteInput();
        (await harness.WaitForExitAsync()).Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task RunAsync_PointWithAMistypedField_DeliveredAndLogged()
    {
        // Reference 9.1: a known field with the wrong wire type is kept as an unknown field, as Go would skip it.
        var log = new CollectingLogger();
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx), new UdfAgentOptions { Logger = log.Logger });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();

        await harness.SendBytesAsync(new byte[] { 0x07, 0x8a, 0x01, 0x04, 0x08, 0x05, 0x10, 0x01 }); // time=5, name as a varint

        (await harness.ReadAsync()).Point.Time.Should().Be(5);
        log.Messages(Serilog.Events.LogEventLevel.Warning).Should().ContainSingle()
            .Which.Should().StartWith("Ignoring unknown or mistyped fields in a request at byte offset");
    }

    [Fact]
    public async Task RunAsync_TwiceOnOneAgent_Throws()
    {
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx));

        var again = () => harness.Agent.RunAsync();

        await again.Should().ThrowAsync<InvalidOperationException>();
    }
}
