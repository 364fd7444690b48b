using Serilog;

namespace Kapacitor.Udf.Agent;

/// <summary>
/// Watches time on behalf of Kapacitor's keepalive watchdog (reference §2.5, requirement 14).
/// </summary>
/// <remarks>
/// <para>Kapacitor sends a KeepaliveRequest every <c>timeout/2</c> and kills the task when no response of any
/// kind arrives within <c>timeout</c>. The reader answers requests itself, but while a handler call runs long the
/// bounded queue fills and the reader stops reading, so no request is seen. The monitor then sends heartbeats
/// (unsolicited KeepaliveResponses, which Kapacitor accepts, §9.1) whenever the agent is busy and nothing has
/// been written for half a keepalive interval. A single call that runs past the maximum handler time is declared
/// hung.</para>
/// <para><b>Threads.</b> The worker calls <see cref="CallStarted"/>/<see cref="CallFinished"/>, the reader calls
/// <see cref="OnKeepaliveRequest"/>, and <see cref="Tick"/> runs on the monitor's own loop. The per-call cost on
/// the worker is two volatile writes: elapsed time is measured here, by ticks, not by reading a clock per call.</para>
/// </remarks>
internal sealed class KeepaliveMonitor
{
    /// <summary>How often <see cref="RunAsync"/> looks; also the resolution of every duration measured here.</summary>
    public static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _time;
    private readonly TimeSpan _defaultTimeout;
    private readonly TimeSpan _maxHandlerTime;
    private readonly ILogger _log;
    private readonly ResponseWriter _writer;
    private readonly Action<string, TimeSpan> _onHung;
    private readonly PeriodicTimer _timer;

    // Written by the worker.
    private volatile string? _method;
    private volatile int _callSequence;

    // Written by the reader.
    private long _lastKeepaliveTime;
    private long _keepaliveIntervalTicks;

    // Tick state: only the monitor loop touches these.
    private int _seenSequence = -1;
    private long _seenAt;
    private long _seenFlushes = -1;
    private long _lastOutputAt;
    private bool _warned;
    private bool _declaredHung;

    public KeepaliveMonitor(
        TimeProvider time,
        TimeSpan defaultTimeout,
        TimeSpan maxHandlerTime,
        ILogger log,
        ResponseWriter writer,
        Action<string, TimeSpan> onHung)
    {
        _time = time;
        _defaultTimeout = defaultTimeout;
        _maxHandlerTime = maxHandlerTime;
        _log = log;
        _writer = writer;
        _onHung = onHung;
        _timer = new PeriodicTimer(TickPeriod, time);
    }

    /// <summary>The smallest estimate: keepalive timestamps closer together than this are a test's or a broken
    /// clock's, and an estimate below the monitor's own resolution would turn the drain deadline into zero.</summary>
    public static readonly TimeSpan MinimumEstimatedTimeout = TimeSpan.FromSeconds(1);

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

    /// <summary>Ticks until <see cref="Stop"/>.</summary>
    public async Task RunAsync()
    {
        while (await _timer.WaitForNextTickAsync())
        {
            await Tick();
        }
    }

    /// <summary>Ends <see cref="RunAsync"/>. Disposing the timer ends the wait quietly; cancelling it would throw, and
    /// that exception's stack trace (captured with source lines) costs tens of milliseconds at every exit.</summary>
    public void Stop() => _timer.Dispose();

    /// <summary>One look at the agent: heartbeat when busy and silent, warn about a long call, or declare it hung.</summary>
    public async ValueTask Tick()
    {
        var now = _time.GetTimestamp();
        var flushes = _writer.FlushCount;
        if (flushes != _seenFlushes)
        {
            _seenFlushes = flushes;
            _lastOutputAt = now;
        }

        var method = _method;
        if (method is null && !_writer.IsWorkerBusy)
        {
            return;
        }

        if (_time.GetElapsedTime(_lastOutputAt, now) >= HeartbeatPeriod)
        {
            _lastOutputAt = now;
            var unixNanos = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
            await _writer.TryWriteHeartbeatAsync(unixNanos);
            // Our own heartbeat is not news: the next one is due a full period from now, not from when we notice it.
            _seenFlushes = _writer.FlushCount;
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
