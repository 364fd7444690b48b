using System.Diagnostics;

namespace Kapacitor.Udf.Tests.Agent;

public class HandlerThreadsTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Start_Loop_RunsOnAHandlerThreadWithTheStrandAsItsContext()
    {
        // Arrange
        var strand = new HandlerStrand(new HandlerThreads(1));
        string? thread = null;
        SynchronizationContext? context = null;

        // Act
        await strand.Start(async () =>
        {
            await Task.Yield();
            thread = Thread.CurrentThread.Name;
            context = SynchronizationContext.Current;
        }).WaitAsync(HangGuard);

        // Assert: continuations come back to the strand, on a handler thread.
        thread.Should().Be("udf-handler");
        context.Should().BeSameAs(strand);
    }

    [Fact]
    public async Task Start_LoopThrows_TaskFaultsWithTheException()
    {
        var strand = new HandlerStrand(new HandlerThreads(1));

        var run = () => strand.Start(() => throw new InvalidOperationException("boom")).WaitAsync(HangGuard);

        await run.Should().ThrowAsync<InvalidOperationException>().WithMessage("boom");
    }

    [Fact]
    public async Task Post_ManyItems_RunOneAtATimeInOrder()
    {
        // Arrange
        var strand = new HandlerStrand(new HandlerThreads(2));
        var seen = new List<int>();
        var running = 0;
        var overlapped = false;
        var done = new TaskCompletionSource();

        // Act: more than a turn's quantum, so the strand gives its thread back and takes one again in between.
        for (var i = 0; i < 5 * HandlerStrand.Quantum; i++)
        {
            var n = i;
            strand.Post(_ =>
            {
                overlapped |= Interlocked.Increment(ref running) != 1;
                seen.Add(n);
                Interlocked.Decrement(ref running);
                if (seen.Count == 5 * HandlerStrand.Quantum)
                {
                    done.SetResult();
                }
            }, null);
        }

        await done.Task.WaitAsync(HangGuard);

        // Assert
        seen.Should().Equal(Enumerable.Range(0, 5 * HandlerStrand.Quantum));
        overlapped.Should().BeFalse("a strand never runs two items at once");
    }

    [Fact]
    public async Task Schedule_ThreadsBlocked_WorkWaitsUntilTheStarvationCheckAddsAThread()
    {
        // Arrange: one running thread, blocked in its work item.
        var threads = new HandlerThreads(1);
        var block = new ManualResetEventSlim();
        var blocked = new TaskCompletionSource();
        var ran = new TaskCompletionSource();
        var blocker = new HandlerStrand(threads);
        var waiting = new HandlerStrand(threads);
        blocker.Post(_ =>
        {
            blocked.SetResult();
            block.Wait();
        }, null);
        await blocked.Task.WaitAsync(HangGuard);

        try
        {
            // Act: a check dated before the blocker has run for the starvation delay, then one dated after.
            waiting.Post(_ => ran.SetResult(), null);
            var beforeAnyCheck = await Task.WhenAny(ran.Task, Task.Delay(200)) == ran.Task;
            var early = Stopwatch.GetTimestamp() - Stopwatch.Frequency;
            var earlyCheck = threads.CheckStarvation(early);
            var afterEarlyCheck = await Task.WhenAny(ran.Task, Task.Delay(200)) == ran.Task;
            threads.CheckStarvation(Stopwatch.GetTimestamp());
            await ran.Task.WaitAsync(HangGuard);

            // Assert
            beforeAnyCheck.Should().BeFalse("one thread runs calls, and it is busy");
            afterEarlyCheck.Should().BeFalse("a thread busy for less than the starvation delay is not blocked");
            earlyCheck.Should().Be(early + (long)(HandlerThreads.StarvationDelay.TotalSeconds * Stopwatch.Frequency),
                "while work waits, the next check is one starvation delay later");
            threads.CheckStarvation(Stopwatch.GetTimestamp()).Should().Be(long.MaxValue, "nothing waits any more");
        }
        finally
        {
            block.Set();
        }
    }

    [Fact]
    public void CheckStarvation_NothingWaiting_NotDue()
    {
        new HandlerThreads(1).CheckStarvation(Stopwatch.GetTimestamp()).Should().Be(long.MaxValue);
    }
}
