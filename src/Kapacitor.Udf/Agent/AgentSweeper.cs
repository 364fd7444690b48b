using System.Runtime.CompilerServices;

namespace Kapacitor.Udf;

/// <summary>
/// Watches the time for every running agent of one clock: flushes data pending longer than its
/// <see cref="UdfAgentOptions.MaxOutputDelay"/>, ticks each agent's <see cref="KeepaliveMonitor"/> (heartbeats, hung
/// calls) and fires drain deadlines. One per process for the system clock, on its own thread
/// (<see cref="SweeperThread"/>); one per <see cref="TimeProvider"/> otherwise (tests), driven by a timer of that
/// provider. No agent has a timer or a thread of its own.
/// </summary>
/// <remarks>
/// <para><b>Never waits.</b> Everything a sweep does to an agent is a try-lock, a flush started but not awaited, or
/// a task completed asynchronously: one stuck connection cannot delay another's flush, heartbeat or deadline.</para>
/// <para><b>Cost.</b> Armed writers (pending data) and drain deadlines are looked at when due; registered agents
/// once per <see cref="KeepaliveMonitor.TickPeriod"/>. An agent that ends unregisters, and nothing here keeps it
/// reachable after that.</para>
/// </remarks>
internal sealed class AgentSweeper
{
    private static readonly ConditionalWeakTable<TimeProvider, AgentSweeper> ByClock = new();
    private static readonly Lazy<AgentSweeper> SystemSweeper = new(() => SweeperThread.Start(new AgentSweeper(TimeProvider.System)).Sweeper);

    private readonly object _lock = new();
    private readonly long _tickPeriod;
    private readonly List<KeepaliveMonitor> _agents = [];
    private readonly List<KeepaliveMonitor> _deadlines = [];
    private List<(ResponseWriter Writer, long Due)> _armed = [];
    private List<(ResponseWriter Writer, long Due)> _spare = [];
    private Action<long> _wakeBy = static _ => { };
    private long _nextTick = long.MaxValue;

    private AgentSweeper(TimeProvider time)
    {
        Time = time;
        _tickPeriod = ResponseWriter.ToTimestamp(KeepaliveMonitor.TickPeriod, time);
    }

    /// <summary>The clock every deadline here is measured on.</summary>
    public TimeProvider Time { get; }

    /// <summary>How much earlier than a deadline to look, so a driver that wakes late still meets it.</summary>
    public long Lead { get; private set; }

    /// <summary>The sweeper for <paramref name="time"/>: the process-wide one for the system clock.</summary>
    public static AgentSweeper For(TimeProvider time) =>
        time == TimeProvider.System ? SystemSweeper.Value : ByClock.GetValue(time, static t => TimerDriver.Start(new AgentSweeper(t)));

    /// <summary>Sets how the driver is woken, and how late it may wake.</summary>
    public void Drive(Action<long> wakeBy, TimeSpan lateness)
    {
        _wakeBy = wakeBy;
        Lead = ResponseWriter.ToTimestamp(lateness, Time);
    }

    public void Register(KeepaliveMonitor agent)
    {
        lock (_lock)
        {
            _agents.Add(agent);
            if (_nextTick == long.MaxValue)
            {
                _nextTick = Time.GetTimestamp() + _tickPeriod;
                _wakeBy(_nextTick);
            }
        }
    }

    public void Unregister(KeepaliveMonitor agent)
    {
        lock (_lock)
        {
            _agents.Remove(agent);
            _deadlines.Remove(agent);
            _armed.RemoveAll(a => a.Writer == agent.Writer);
        }
    }

    /// <summary>A writer has pending data: look at it at <paramref name="due"/>.</summary>
    public void Arm(ResponseWriter writer, long due)
    {
        lock (_lock)
        {
            _armed.Add((writer, due));
            _wakeBy(due - Lead);
        }
    }

    /// <summary>An agent's drain deadline was set: fire it when due.</summary>
    public void WatchDeadline(KeepaliveMonitor agent)
    {
        lock (_lock)
        {
            if (!_deadlines.Contains(agent))
            {
                _deadlines.Add(agent);
            }

            _wakeBy(agent.DrainDeadline);
        }
    }

    /// <summary>One sweep, on the driver's thread; the work on agents runs outside the lock.</summary>
    /// <returns>When the next sweep is due.</returns>
    public long Sweep(long now)
    {
        List<(ResponseWriter Writer, long Due)> armed;
        KeepaliveMonitor[] deadlines;
        KeepaliveMonitor[]? agents = null;
        lock (_lock)
        {
            (armed, _armed) = (_armed, _spare);
            deadlines = _deadlines.Count == 0 ? [] : [.. _deadlines];
            if (now >= _nextTick - Lead)
            {
                agents = [.. _agents];
                _nextTick = agents.Length > 0 ? now + _tickPeriod : long.MaxValue;
            }
        }

        var kept = 0;
        for (var i = 0; i < armed.Count; i++)
        {
            var due = armed[i].Due - Lead <= now ? armed[i].Writer.SweepStale(now + Lead) : armed[i].Due;
            if (due != long.MaxValue)
            {
                armed[kept++] = (armed[i].Writer, due);
            }
        }

        armed.RemoveRange(kept, armed.Count - kept);
        foreach (var agent in deadlines)
        {
            agent.CheckDrainDeadline(now);
        }

        foreach (var agent in agents ?? [])
        {
            agent.Tick(now);
        }

        return Reschedule(armed, deadlines);
    }

    private long Reschedule(List<(ResponseWriter Writer, long Due)> kept, KeepaliveMonitor[] deadlines)
    {
        lock (_lock)
        {
            // Arms that came in during the sweep are in _armed; the kept ones join them.
            kept.AddRange(_armed);
            _armed.Clear();
            (_armed, _spare) = (kept, _armed);
            foreach (var agent in deadlines)
            {
                if (agent.DrainDeadline == 0)
                {
                    _deadlines.Remove(agent);
                }
            }

            var next = _nextTick;
            foreach (var (_, due) in _armed)
            {
                next = Math.Min(next, due - Lead);
            }

            foreach (var agent in _deadlines)
            {
                next = Math.Min(next, agent.DrainDeadline);
            }

            return next;
        }
    }

    // A clock other than the system's (a test's ManualTimeProvider): a timer of that clock drives the sweeps.
    private sealed class TimerDriver
    {
        private readonly object _gate = new();
        private readonly AgentSweeper _sweeper;
        private readonly ITimer _timer;
        private long _wakeAt = long.MaxValue;

        private TimerDriver(AgentSweeper sweeper)
        {
            _sweeper = sweeper;
            _timer = sweeper.Time.CreateTimer(static s => ((TimerDriver)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public static AgentSweeper Start(AgentSweeper sweeper)
        {
            var driver = new TimerDriver(sweeper);
            sweeper.Drive(driver.WakeBy, TimeSpan.Zero);
            return sweeper;
        }

        private void WakeBy(long at)
        {
            lock (_gate)
            {
                if (at >= _wakeAt)
                {
                    return;
                }

                _wakeAt = at;
                var ticks = Math.Max(0, at - _sweeper.Time.GetTimestamp()) * (double)TimeSpan.TicksPerSecond / _sweeper.Time.TimestampFrequency;
                _timer.Change(TimeSpan.FromTicks((long)Math.Ceiling(Math.Min(ticks, UdfAgentOptions.MaxTimerDelay.Ticks))), Timeout.InfiniteTimeSpan);
            }
        }

        private void Fire()
        {
            lock (_gate)
            {
                _wakeAt = long.MaxValue;
            }

            // Continuations of what the sweep starts must not land on whatever context the timer fired in.
            var context = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                WakeBy(_sweeper.Sweep(_sweeper.Time.GetTimestamp()));
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(context);
            }
        }
    }
}
