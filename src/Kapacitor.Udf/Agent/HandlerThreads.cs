using System.Diagnostics;

namespace Kapacitor.Udf;

/// <summary>
/// The process-wide, elastic set of dedicated threads that handler calls run on, borrowed by a connection only
/// while it has work (<see cref="HandlerStrand"/>): an idle connection holds no thread, a blocked call holds one.
/// </summary>
/// <remarks>
/// <para><b>Why not the thread pool.</b> Socket completions and timers run on the thread pool, which adds threads
/// only about twice a second once all are blocked; handler calls that block (a model, a database) would then stall
/// reads, keepalive answers and flushes of every connection. Here they block only threads of their own.</para>
/// <para><b>Growth.</b> Up to <see cref="Environment.ProcessorCount"/> threads run calls. A thread whose current work
/// item has run longer than <see cref="StarvationDelay"/> counts as blocked; while strands wait and no thread is
/// idle, the sweeper thread adds one thread per blocked one, so a new busy connection waits at most about
/// <see cref="StarvationDelay"/> for a thread, not for the pool's injection. The cap follows: at most
/// <see cref="Environment.ProcessorCount"/> + the calls blocked at once, which is at most one per connection (a
/// connection's calls run one at a time). Threads idle for <see cref="IdleTimeout"/> exit.</para>
/// </remarks>
internal sealed class HandlerThreads
{
    /// <summary>How long a work item may run before its thread counts as blocked.</summary>
    public static readonly TimeSpan StarvationDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>How long a thread may wait for work before it exits.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    private readonly object _lock = new();
    private readonly Queue<HandlerStrand> _ready = new();
    private readonly List<Worker> _workers = [];
    private readonly List<Worker> _idle = [];
    private readonly int _running;
    private readonly long _starvationTicks = (long)(StarvationDelay.TotalSeconds * Stopwatch.Frequency);
    private bool _checkArmed;

    /// <summary>A pool running up to <paramref name="running"/> calls at once (tests use their own; agents use
    /// <see cref="Shared"/>, which the sweeper thread checks for starvation).</summary>
    internal HandlerThreads(int running) => _running = running;

    public static HandlerThreads Shared { get; } = new(Environment.ProcessorCount);

    /// <summary>Queues <paramref name="strand"/> for a thread: an idle one, a new one while fewer than
    /// <see cref="Environment.ProcessorCount"/> are unblocked, or the next that frees up (the sweeper adds one if
    /// none does within <see cref="StarvationDelay"/>).</summary>
    public void Schedule(HandlerStrand strand)
    {
        Worker? idle;
        lock (_lock)
        {
            idle = _idle.Count > 0 ? _idle[^1] : null;
            if (idle is not null)
            {
                _idle.RemoveAt(_idle.Count - 1);
                // Handed over under the lock, so a thread timing out at this moment sees it and takes it.
                idle.Handoff = strand;
            }
            else
            {
                ScheduleUnsynchronized(strand);
            }
        }

        idle?.Wake();
    }

    /// <summary>A strand that used up its turn and still has work: queued behind the others, for the thread that is
    /// letting go of it (or any other) to take next. Nothing to wake: that thread asks for work right away.</summary>
    public void Requeue(HandlerStrand strand)
    {
        lock (_lock)
        {
            _ready.Enqueue(strand);
        }
    }

    private void ScheduleUnsynchronized(HandlerStrand strand)
    {
        _ready.Enqueue(strand);
        var now = Stopwatch.GetTimestamp();
        if (UnblockedUnsynchronized(now) < _running)
        {
            SpawnUnsynchronized();
        }
        else if (!_checkArmed)
        {
            _checkArmed = true;
            SweeperThread.Instance.WakeBy(now + _starvationTicks);
        }
    }

    /// <summary>On the sweeper thread: adds threads for blocked ones while strands wait.</summary>
    /// <returns>When to check again, or <see cref="long.MaxValue"/>.</returns>
    public long CheckStarvation(long now)
    {
        lock (_lock)
        {
            if (!_checkArmed)
            {
                return long.MaxValue;
            }

            for (var missing = _running - UnblockedUnsynchronized(now); missing > 0 && _ready.Count > 0; missing--)
            {
                SpawnUnsynchronized();
            }

            _checkArmed = _ready.Count > 0;
            return _checkArmed ? now + _starvationTicks : long.MaxValue;
        }
    }

    private int UnblockedUnsynchronized(long now)
    {
        var unblocked = 0;
        foreach (var worker in _workers)
        {
            var since = Volatile.Read(ref worker.BusySince);
            if (since == 0 || now - since < _starvationTicks)
            {
                unblocked++;
            }
        }

        return unblocked;
    }

    private void SpawnUnsynchronized()
    {
        var worker = new Worker();
        _workers.Add(worker);
        // A spawned thread counts as busy until it asks for work, so a burst of schedules does not over-spawn.
        worker.BusySince = Stopwatch.GetTimestamp();
        new Thread(() => Run(worker)) { IsBackground = true, Name = "udf-handler" }.Start();
    }

    private void Run(Worker worker)
    {
        while (Take(worker) is { } strand)
        {
            strand.RunSome(worker);
        }
    }

    // The next strand, or null when the thread has been idle too long and exits.
    private HandlerStrand? Take(Worker worker)
    {
        lock (_lock)
        {
            Volatile.Write(ref worker.BusySince, 0);
            if (_ready.TryDequeue(out var ready))
            {
                worker.Started();
                return ready;
            }

            _idle.Add(worker);
        }

        worker.WaitForHandoff(IdleTimeout);
        lock (_lock)
        {
            if (worker.Handoff is { } strand)
            {
                worker.Handoff = null;
                worker.Started();
                return strand;
            }

            // Timed out, and nobody handed anything over meanwhile (that happens under this lock): exit.
            _idle.Remove(worker);
            _workers.Remove(worker);
            return null;
        }
    }

    /// <summary>One thread's state: read by the starvation check, handed work by <see cref="Schedule"/>.</summary>
    internal sealed class Worker
    {
        /// <summary>When the current work item started (Stopwatch); 0 while idle.</summary>
        public long BusySince;

        /// <summary>A strand handed to this idle thread (under the pool's lock).</summary>
        public HandlerStrand? Handoff;

        private readonly object _signal = new();

        public void Started() => Volatile.Write(ref BusySince, Stopwatch.GetTimestamp());

        public void Wake()
        {
            lock (_signal)
            {
                Monitor.Pulse(_signal);
            }
        }

        public void WaitForHandoff(TimeSpan timeout)
        {
            lock (_signal)
            {
                if (Volatile.Read(ref Handoff) is null)
                {
                    Monitor.Wait(_signal, timeout);
                }
            }
        }
    }
}
