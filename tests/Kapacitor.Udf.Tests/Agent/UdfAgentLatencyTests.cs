using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Agent;

/// <summary>The latency bound (issue 12, finding 1): emitted data reaches the output within MaxOutputDelay whatever the
/// handler and the input do. The manual clock makes "not yet" and "now" exact: data that is pending is invisible to
/// the reader until the clock reaches the bound.</summary>
public class UdfAgentLatencyTests
{
    private static readonly TimeSpan Delay = UdfAgentOptions.DefaultMaxOutputDelay;
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EmitPointAsync_CallBlocksAfterTwoEmits_BothFlushedAtTheBoundWhileItStillRuns()
    {
        // Arrange: finding 1's first case. Four points in one write; the handler answers 1 and 2, then blocks in 3
        // while 4 waits in the queue, so the input never goes idle.
        var clock = new ManualTimeProvider();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnPoint = async p =>
            {
                if (p.Time == 3)
                {
                    blocked.SetResult();
                    await release.Task;
                }

                await ctx.EmitPointAsync(p);
            },
        }, new UdfAgentOptions { TimeProvider = clock });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();

        // Act
        await harness.SendBytesAsync(Frames(Requests.Point(1), Requests.Point(2), Requests.Point(3), Requests.Point(4)));
        await blocked.Task.WaitAsync(HangGuard);
        var beforeTheBound = Available(harness);
        clock.Advance(Delay - TimeSpan.FromTicks(1));
        var justBefore = Available(harness);
        clock.Advance(TimeSpan.FromTicks(1));

        // Assert
        beforeTheBound.Should().BeFalse("the input is busy and 64 KiB are not pending: only the time bound may flush");
        justBefore.Should().BeFalse("the bound is MaxOutputDelay, not less");
        (await harness.ReadAsync()).Point.Time.Should().Be(1);
        (await harness.ReadAsync()).Point.Time.Should().Be(2);
        release.SetResult();
        (await harness.ReadAsync()).Point.Time.Should().Be(3);
        (await harness.ReadAsync()).Point.Time.Should().Be(4);
    }

    [Fact]
    public async Task EmitPointAsync_QueueNeverEmpties_EveryBoundFlushesWhatWasEmitted()
    {
        // Arrange: each call waits for its turn, and more points are always queued behind it.
        var clock = new ManualTimeProvider();
        var turns = new SemaphoreSlim(0);
        var emitted = 0;
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnPoint = async p =>
            {
                await turns.WaitAsync();
                await ctx.EmitPointAsync(p);
                Interlocked.Increment(ref emitted);
            },
        }, new UdfAgentOptions { TimeProvider = clock });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();
        await harness.SendBytesAsync(Frames([.. Enumerable.Range(0, 12).Select(i => Requests.Point(i))]));

        for (var round = 0; round < 3; round++)
        {
            // Act: three calls emit, nine points still wait; then the clock reaches the bound.
            turns.Release(3);
            await Eventually.TrueAsync(() => Volatile.Read(ref emitted) == 3 * (round + 1), "three more emits", HangGuard);
            var early = Available(harness);
            clock.Advance(Delay);

            // Assert
            early.Should().BeFalse($"round {round}: the queue is never empty, so only the bound flushes");
            for (var i = 0; i < 3; i++)
            {
                (await harness.ReadAsync()).Point.Time.Should().Be((3 * round) + i);
            }
        }

        turns.Release(3);
        for (var i = 9; i < 12; i++)
        {
            (await harness.ReadAsync()).Point.Time.Should().Be(i, "the last calls empty the queue: flushed without the clock");
        }
    }

    [Fact]
    public async Task EmitPointAsync_FromABackgroundThreadWhileACallBlocks_FlushedAtTheBound()
    {
        // Arrange
        var clock = new ManualTimeProvider();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        UdfHandlerContext? context = null;
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(context = ctx)
        {
            OnPoint = async p =>
            {
                blocked.TrySetResult();
                await release.Task;
            },
        }, new UdfAgentOptions { TimeProvider = clock });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();
        await harness.SendAsync(Requests.Point(1));
        await blocked.Task.WaitAsync(HangGuard);

        // Act
        await Task.Run(async () => await context!.EmitPointAsync(new Point { Name = "tick", Time = 100 })).WaitAsync(HangGuard);
        var early = Available(harness);
        clock.Advance(Delay);

        // Assert
        early.Should().BeFalse("a call is running, so the emit waits for the bound");
        (await harness.ReadAsync()).Point.Time.Should().Be(100);
        release.SetResult();
    }

    [Fact]
    public async Task EmitPointAsync_FromABackgroundThreadWhileIdle_FlushedAtOnce()
    {
        // Arrange: the gate is open and nothing is in flight.
        var clock = new ManualTimeProvider();
        UdfHandlerContext? context = null;
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(context = ctx) { OnPoint = _ => default },
            new UdfAgentOptions { TimeProvider = clock });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();
        await harness.SendAsync(Requests.Point(1));
        await Eventually.TrueAsync(() => harness.Agent.IsInputIdle, "the point handled", HangGuard);

        // Act
        await Task.Run(async () => await context!.EmitPointAsync(new Point { Name = "tick", Time = 7 })).WaitAsync(HangGuard);

        // Assert: no clock movement needed.
        (await harness.ReadAsync()).Point.Time.Should().Be(7);
    }

    [Fact]
    public async Task EmitPointAsync_MaxOutputDelayZero_EveryEmitFlushedAtOnceWhileACallBlocks()
    {
        // Arrange
        var clock = new ManualTimeProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnPoint = async p =>
            {
                await ctx.EmitPointAsync(p);
                await release.Task;
            },
        }, new UdfAgentOptions { TimeProvider = clock, MaxOutputDelay = TimeSpan.Zero });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();

        // Act
        await harness.SendBytesAsync(Frames(Requests.Point(1), Requests.Point(2)));

        // Assert: the clock never moves.
        (await harness.ReadAsync()).Point.Time.Should().Be(1);
        release.SetResult();
        (await harness.ReadAsync()).Point.Time.Should().Be(2);
    }

    // Whether any output can be read now (without waiting).
    private static bool Available(UdfTestHarness harness)
    {
        if (!harness.Output.TryRead(out var result))
        {
            return false;
        }

        harness.Output.AdvanceTo(result.Buffer.Start);
        return !result.Buffer.IsEmpty;
    }

    private static byte[] Frames(params Request[] requests)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var request in requests)
        {
            Kapacitor.Udf.Framing.VarintFrame.WriteFrame(buffer, request);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
