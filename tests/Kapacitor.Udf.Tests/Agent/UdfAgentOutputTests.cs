using System.IO.Pipelines;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Agent;

public class UdfAgentOutputTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EmitPointAsync_DuringInit_HeldUntilTheRestoreAnswer()
    {
        // Requirement 18 and reference §2.4: Kapacitor cannot take data before the Init (and Restore) answers.
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnInit = async _ =>
            {
                await ctx.EmitPointAsync(new Point { Time = 100 });
                return new InitResponse { Success = true };
            },
        });

        await harness.SendAsync(Requests.Init());
        (await harness.ReadAsync()).MessageCase.Should().Be(Response.MessageOneofCase.Init);
        await harness.SendAsync(Requests.Snapshot()); // may come before Restore (reference §2.10)
        (await harness.ReadAsync()).MessageCase.Should().Be(Response.MessageOneofCase.Snapshot, "held data must not overtake");
        await harness.SendAsync(Requests.Restore([1]));

        (await harness.ReadAsync()).MessageCase.Should().Be(Response.MessageOneofCase.Restore);
        (await harness.ReadAsync()).Point.Time.Should().Be(100);
    }

    [Fact]
    public async Task EmitPointAsync_DuringInit_ReleasedByTheFirstPointWhenNoRestoreComes()
    {
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnInit = async _ =>
            {
                await ctx.EmitPointAsync(new Point { Time = 100 });
                return new InitResponse { Success = true };
            },
        });

        await harness.SendAsync(Requests.Init());
        await harness.SendAsync(Requests.Point(1));

        (await harness.ReadAsync()).MessageCase.Should().Be(Response.MessageOneofCase.Init);
        (await harness.ReadAsync()).Point.Time.Should().Be(100);
        (await harness.ReadAsync()).Point.Time.Should().Be(1);
    }

    [Fact]
    public async Task EmitPointAsync_OnAnInfoOnlyConnection_IsDroppedWithAWarning()
    {
        // Requirement 18: no data on the startup probe.
        var log = new CollectingLogger();
        var emitted = false;
        await using var harness = UdfTestHarness.Start(ctx =>
        {
            emitted = ctx.EmitPointAsync(new Point { Time = 1 }).IsCompletedSuccessfully;
            return new TestHandler(ctx);
        }, new UdfAgentOptions { Logger = log.Logger });

        await harness.SendAsync(Requests.Info());
        harness.CompleteInput();
        var responses = await harness.ReadToEndAsync();

        emitted.Should().BeTrue("a held emit returns at once");
        responses.Should().ContainSingle().Which.MessageCase.Should().Be(Response.MessageOneofCase.Info);
        (await harness.WaitForExitAsync()).Succeeded.Should().BeTrue();
        log.Messages(Serilog.Events.LogEventLevel.Warning).Should().ContainSingle().Which.Should().StartWith("Dropped 1 data frame(s)");
    }

    [Fact]
    public async Task EmitPointAsync_BeforeTheGateOpensBeyondTheHoldLimit_WaitsForTheGate()
    {
        // Emitting inside Init, on the worker, while no other writer can hold the lock: the only reason an emit
        // can wait here is the data gate.
        var pending = default(ValueTask);
        var held = 0;
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnPoint = _ => default,
            OnInit = _ =>
            {
                for (; held < 50; held++)
                {
                    pending = ctx.EmitPointAsync(new Point { Time = held, Name = "twenty bytes long.." });
                    if (!pending.IsCompleted)
                    {
                        break;
                    }
                }

                return ValueTask.FromResult(new InitResponse { Success = true });
            },
        }, new UdfAgentOptions { MaxEarlyOutputBytes = 100 });

        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();

        held.Should().BeInRange(1, 10, "about 100 bytes are held, then the emitter waits");
        pending.IsCompleted.Should().BeFalse();
        await harness.SendAsync(Requests.Point(1000)); // opens the gate
        await pending.AsTask().WaitAsync(HangGuard);
        for (var i = 0; i <= held; i++)
        {
            (await harness.ReadAsync()).Point.Time.Should().Be(i);
        }
    }

    [Fact]
    public async Task EmitPointAsync_FromEightThreadsAtOnce_EveryFrameIntactAndInOrderPerThread()
    {
        // Requirement 8: one lock, whole frames, any thread.
        UdfHandlerContext? context = null;
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(context = ctx) { OnPoint = _ => default });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();
        await harness.SendAsync(Requests.Point(0)); // opens the data gate; the handler emits nothing for it

        const int perThread = 2000;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var emitters = Enumerable.Range(0, 8).Select(thread => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < perThread; i++)
            {
                await context!.EmitPointAsync(new Point
                {
                    Time = i,
                    Tags = { ["thread"] = thread.ToString() },
                    FieldsString = { ["pad"] = new string((char)('a' + thread), thread * 37) },
                });
            }
        })).ToArray();
        start.SetResult();

        var seen = new int[8];
        for (var n = 0; n < 8 * perThread; n++)
        {
            var point = (await harness.ReadAsync()).Point;
            var thread = int.Parse(point.Tags["thread"]);
            point.Time.Should().Be(seen[thread]++);
            point.FieldsString["pad"].Should().Be(new string((char)('a' + thread), thread * 37));
        }

        await Task.WhenAll(emitters).WaitAsync(HangGuard);
        seen.Should().OnlyContain(count => count == perThread);
    }

    [Fact]
    public async Task RunAsync_BurstOfPoints_FlushedOnceWhenTheInputGoesIdle()
    {
        // Requirement 9: management answers at once; data when the input is idle, not per point.
        var input = new Pipe();
        var output = new Pipe();
        var counting = new CountingPipeWriter(output.Writer);
        // The time bound out of the way (its own tests are in UdfAgentLatencyTests): this is about the idle rule.
        var agent = new UdfAgent(input.Reader, counting, ctx => new TestHandler(ctx), new UdfAgentOptions { MaxOutputDelay = UdfAgentOptions.MaxOutputDelayLimit });
        var run = agent.RunAsync();

        VarintFrame.WriteFrame(input.Writer, Requests.Init());
        await input.Writer.FlushAsync();
        await PipeResponses.ReadAsync(output.Reader, r => r.Count == 1);
        counting.Flushes.Should().Be(1, "the Init answer is flushed at once");

        for (var i = 0; i < 100; i++)
        {
            VarintFrame.WriteFrame(input.Writer, Requests.Point(i));
        }

        await input.Writer.FlushAsync(); // one burst
        var echoed = await PipeResponses.ReadAsync(output.Reader, r => r.Count == 100);

        echoed.Should().HaveCount(100, "data is flushed when the input goes idle, not left waiting");
        counting.Flushes.Should().Be(2, "the whole burst goes out in one flush");
        await input.Writer.CompleteAsync();
        (await run.WaitAsync(HangGuard)).Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task RunAsync_OutputClosedByTheConsumer_FailsPromptlyWithoutWaitingForInput()
    {
        // Process mode: STDOUT closed under us (EPIPE) ends the agent at once, with a non-zero outcome.
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx));
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();

        await harness.Output.CompleteAsync();
        await harness.SendAsync(Requests.Keepalive(1));

        var result = await harness.WaitForExitAsync();
        result.ExitCode.Should().Be(1);
        result.Reason.Should().Be(UdfFailureReason.OutputClosed);
    }
}
