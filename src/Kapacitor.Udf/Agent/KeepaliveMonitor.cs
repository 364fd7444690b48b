using Serilog;

namespace Kapacitor.Udf;

/// <summary>
/// One agent's watch on time, on behalf of Kapacitor's keepalive watchdog (docs/protocol.md, "Keepalives"): estimates
/// Kapacitor's timeout, sends heartbeats while a call runs long, declares a call hung, and holds the drain deadline.
/// It has no thread or timer: the clock's <see cref="AgentSweeper"/> calls <see cref="Tick"/> every
/// <see cref="TickPeriod"/> and <see cref="CheckDrainDeadline"/> when the deadline is due.
/// </summary>
/// <remarks>
/// <para>Kapacitor sends a KeepaliveRequest every <c>timeout/2</c> and kills the task when no response of any
/// kind arrives within <c>timeout</c>. The reader answers requests itself, but while a handler call runs long the
/// bounded queue fills and the reader stops reading, so no request is seen. Heartbeats (unsolicited
/// KeepaliveResponses, which Kapacitor accepts, docs/protocol.md "Messages") then go out whenever input is in flight and nothing has been
/// written for half a keepalive interval. A single call that runs past the maximum handler time is declared hung.</para>
/// <para><b>Threads.</b> The worker calls <see cref="CallStarted"/>/<see cref="CallFinished"/>, the reader calls
/// <see cref="OnKeepaliveRequest"/>, the sweeper calls <see cref="Tick"/>. The per-call cost on the worker is two
/// volatile writes: elapsed time is measured here, by ticks, not by reading a clock per call.</para>
/// </remarks>
internal sealed class KeepaliveMonitor
{
    /// <summary>How often <see cref="Tick"/> runs; also the resolution of every duration measured here.</summary>
    public static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(250);

    /// <summary>The smallest estimate: keepalive timestamps closer together than this are a test's or a broken
    /// clock's, and an estimate below the tick would turn the drain deadline into zero.</summary>
    public static readonly TimeSpan MinimumEstimatedTimeout = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly TimeSpan _defaultTimeout;
    private readonly TimeSpan _maxHandlerTime;
    private readonly ILogger _log;
    private readonly InputActivity _input;
    private readonly AgentSweeper _sweeper;
    private readonly Action<string, TimeSpan> _onHung;
    private readonly Action<string> _onDrainDeadline;

    // Written by the worker.
    private volatile string? _method;
    private volatile int _callSequence;

    // Written by the reader.
    private long _lastKeepaliveTime;
    private long _keepaliveIntervalTicks;

    // Tick state: only the sweeper touches these.
    private int _seenSequence = -1;
    private long _seenAt;
    private long _seenFlushes = -1;
    private long _lastOutputAt;
    private bool _warned;
    private bool _declaredHung;

    // The drain deadline (a timestamp of _time, 0 = none) and why it runs.
    private long _drainDeadline;
    private int _drainStarted;
    private string _drainReason = "";

    public KeepaliveMonitor(UdfAgentOptions options, ResponseWriter writer, InputActivity input, AgentSweeper sweeper, Action<string, TimeSpan> onHung, Action<string> onDrainDeadline)
    {
        _time = options.TimeProvider;
        _defaultTimeout = options.DefaultKeepaliveTimeout;
        _maxHandlerTime = options.MaxHandlerTime;
        _log = options.Logger;
        Writer = writer;
        _input = input;
        _sweeper = sweeper;
        _onHung = onHung;
        _onDrainDeadline = onDrainDeadline;
    }

    public ResponseWriter Writer { get; }

    /// <summary>Kapacitor's <c>timeout</c> as estimated from its keepalive cadence (2 × interval, at least
    /// <see cref="MinimumEstimatedTimeout"/>), or the default.</summary>
    public TimeSpan EstimatedTimeout
    {
        get
        {
            var interval = Interlocked.Read(ref _keepaliveIntervalTicks);
            return interval > 0 ? TimeSpan.FromTicks(Math.Max(2 * interval, MinimumEstimatedTimeout.Ticks)) : _defaultTimeout;
        }
    }

    /// <summary>How often heartbeats go out during a long call: half of Kapacitor's keepalive interval.</summary>
    public TimeSpan HeartbeatPeriod => EstimatedTimeout / 4;

    /// <summary>When the drain deadline passes (a timestamp of the agent's clock), or 0 when none runs.</summary>
    public long DrainDeadline => Volatile.Read(ref _drainDeadline);

    /// <summary>The reader saw a KeepaliveRequest; <paramref name="kapacitorTime"/> is Kapacitor's clock (Unix ns).</summary>
    public void OnKeepaliveRequest(long kapacitorTime)
    {
        // Kapacitor's own timestamps measure its ticker, unaffected by how late we read the requests.
        var previous = Interlocked.Exchange(ref _lastKeepaliveTime, kapacitorTime);
        var intervalTicks = (kapacitorTime - previous) / 100;
        if (previous != 0 && intervalTicks > 0 && intervalTicks <= TimeSpan.TicksPerHour)
        {
            Interlocked.Exchange(ref _keepaliveIntervalTicks, intervalTicks);
        }
    }

    public void CallStarted(string method)
    {
        _method = method;
        _callSequence++;
    }

    public void CallFinished() => _method = null;

    /// <summary>Starts the drain deadline (once: later calls keep the first): <paramref name="after"/> from now.</summary>
    public void StartDrainDeadline(TimeSpan after, string reason)
    {
        if (Interlocked.Exchange(ref _drainStarted, 1) != 0)
        {
            return;
        }

        _drainReason = $"not finished {after.TotalSeconds:0.###}s after: {reason}";
        Volatile.Write(ref _drainDeadline, _time.GetTimestamp() + ResponseWriter.ToTimestamp(after, _time));
        _sweeper.WatchDeadline(this);
    }

    /// <summary>Fires the drain deadline once it has passed.</summary>
    public void CheckDrainDeadline(long now)
    {
        var deadline = DrainDeadline;
        if (deadline != 0 && now >= deadline && Interlocked.CompareExchange(ref _drainDeadline, 0, deadline) == deadline)
        {
            _onDrainDeadline(_drainReason);
        }
    }

    /// <summary>One look at the agent: heartbeat when busy and silent, warn about a long call, or declare it hung.</summary>
    public void Tick(long now)
    {
        var flushes = Writer.FlushCount;
        if (flushes != _seenFlushes)
        {
            _seenFlushes = flushes;
            _lastOutputAt = now;
        }

        var method = _method;
        if (method is null && _input.IsIdle)
        {
            return;
        }

        if (_time.GetElapsedTime(_lastOutputAt, now) >= HeartbeatPeriod)
        {
            _lastOutputAt = now;
            var unixNanos = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
            Writer.TryWriteHeartbeat(unixNanos);
            // Our own heartbeat is not news: the next one is due a full period from now, not from when we notice it.
            _seenFlushes = Writer.FlushCount;
        }

        if (method is not null)
        {
            CheckCallDuration(method, now);
        }
    }

    private void CheckCallDuration(string method, long now)
    {
        var sequence = _callSequence;
        if (sequence != _seenSequence)
        {
            _seenSequence = sequence;
            _seenAt = now;
            _warned = false;
            return;
        }

        var running = _time.GetElapsedTime(_seenAt, now);
        if (!_declaredHung && _maxHandlerTime > TimeSpan.Zero && running >= _maxHandlerTime)
        {
            _declaredHung = true;
            _onHung(method, running);
            return;
        }

        if (!_warned && running > EstimatedTimeout)
        {
            _warned = true;
            _log.Warning(
                "{Method} handler call has run for {Running}, longer than Kapacitor's timeout (about {Timeout}); heartbeats keep the task alive for up to {MaxHandlerTime}",
                method, running, EstimatedTimeout, _maxHandlerTime);
        }
    }
}
