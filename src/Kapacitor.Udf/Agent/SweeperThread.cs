using System.Diagnostics;

namespace Kapacitor.Udf;

/// <summary>
/// The process's one sweeper thread: sweeps the system clock's <see cref="AgentSweeper"/> and checks the
/// <see cref="HandlerThreads"/> for starvation, each when due, and runs the continuations of what those sweeps
/// started (it is its own <see cref="SynchronizationContext"/>), so none of this needs the thread pool.
/// </summary>
/// <remarks>A background thread that sleeps until the next deadline or until woken for an earlier one.
/// <see cref="Monitor.Wait(object, int)"/> has millisecond resolution and the thread may be scheduled late, so the
/// sweeper aims <see cref="Lateness"/> before each deadline.</remarks>
internal sealed class SweeperThread : SynchronizationContext
{
    /// <summary>How late a wait may end: the resolution of <see cref="Monitor.Wait(object, int)"/>.</summary>
    public static readonly TimeSpan Lateness = TimeSpan.FromMilliseconds(1);

    private static SweeperThread? s_instance;
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _posted = new();
    private long _wakeAt = long.MaxValue;

    private SweeperThread(AgentSweeper sweeper) => Sweeper = sweeper;

    public AgentSweeper Sweeper { get; }

    /// <summary>The running thread (started with the system clock's sweeper).</summary>
    public static SweeperThread Instance
    {
        get
        {
            AgentSweeper.For(TimeProvider.System);
            return s_instance!;
        }
    }

    public static SweeperThread Start(AgentSweeper sweeper)
    {
        var thread = new SweeperThread(sweeper);
        sweeper.Drive(thread.WakeBy, Lateness);
        s_instance = thread;
        new Thread(thread.Run) { IsBackground = true, Name = "udf-sweeper" }.Start();
        return thread;
    }

    /// <summary>Makes sure the thread looks again no later than <paramref name="at"/> (a Stopwatch timestamp).</summary>
    public void WakeBy(long at)
    {
        lock (_posted)
        {
            if (at < _wakeAt)
            {
                _wakeAt = at;
                Monitor.Pulse(_posted);
            }
        }
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_posted)
        {
            _posted.Enqueue((d, state));
            Monitor.Pulse(_posted);
        }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("synchronous Send would stall the sweeper");

    public override SynchronizationContext CreateCopy() => this;

    private void Run()
    {
        SetSynchronizationContext(this);
        while (true)
        {
            if (NextWork() is { } item)
            {
                item.Callback(item.State);
                continue;
            }

            var now = Stopwatch.GetTimestamp();
            WakeBy(Math.Min(Sweeper.Sweep(now), HandlerThreads.Shared.CheckStarvation(now)));
        }
    }

    // A posted continuation, or null when a sweep is due.
    private (SendOrPostCallback Callback, object? State)? NextWork()
    {
        lock (_posted)
        {
            while (true)
            {
                if (_posted.TryDequeue(out var item))
                {
                    return item;
                }

                var now = Stopwatch.GetTimestamp();
                if (now >= _wakeAt)
                {
                    _wakeAt = long.MaxValue;
                    return null;
                }

                // Rounded up: waking early would find nothing due and spin until it is.
                Monitor.Wait(_posted, _wakeAt == long.MaxValue ? Timeout.Infinite : (int)Math.Min(Math.Ceiling(Stopwatch.GetElapsedTime(now, _wakeAt).TotalMilliseconds), int.MaxValue));
            }
        }
    }
}
