using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>The flush policy: when pending data goes out.</summary>
/// <remarks>
/// <para>Management responses flush at once. Data flushes when whichever comes first: the input side is idle
/// (<see cref="InputActivity"/>: nothing in hand, queued or being handled), <c>FlushThresholdBytes</c> are pending
/// (batching at high rates), or the oldest pending byte is <c>MaxOutputDelay</c> old. The time bound holds whatever
/// the handler and the input do: the first data of a batch arms the process-wide <see cref="AgentSweeper"/>, which
/// flushes at the deadline if nobody else did. The sweeper never waits: when the lock is taken it sets
/// <c>_flushRequested</c> and moves on, and the holder flushes before or right after letting go
/// (<see cref="ReleaseLock"/>).</para>
/// <para><c>_pendingSince</c> and <c>_armed</c> are written under the lock and read by the sweeper without it:
/// a writer sets <c>_pendingSince</c> then arms, the sweeper disarms then re-reads <c>_pendingSince</c>, both
/// with full fences, so data is never left pending unarmed.</para>
/// </remarks>
internal sealed partial class ResponseWriter
{
    private readonly long _flushThreshold;
    private readonly TimeProvider _time;
    private readonly long _maxDelay;
    private readonly InputActivity _input;
    private readonly AgentSweeper _sweeper;
    private long _unflushed;
    private long _flushCount;
    private long _pendingSince;
    private int _armed;
    private volatile bool _flushRequested;

    /// <summary>How many flushes have reached the output: the monitor's evidence that Kapacitor heard from us.</summary>
    public long FlushCount => Interlocked.Read(ref _flushCount);

    /// <summary>The input side just went idle: flush pending data, so nothing sits while Kapacitor waits.</summary>
    public async ValueTask FlushIfIdleAsync()
    {
        await _lock.WaitAsync();
        try
        {
            // Checked again under the lock: input may have arrived since.
            if (_input.IsIdle && _unflushed > 0 && _closed is null)
            {
                await FlushUnsynchronizedAsync();
            }
        }
        finally
        {
            ReleaseLock();
        }
    }

    /// <summary>An unsolicited keepalive answer while a handler call runs long. Never waits: skipped when the lock
    /// is held (output is flowing, or stuck where a heartbeat could not pass either); the flush completes in the
    /// background.</summary>
    /// <returns><see langword="false"/> when it was skipped.</returns>
    public bool TryWriteHeartbeat(long time)
    {
        if (_closed is not null || !_lock.Wait(0))
        {
            return false;
        }

        // Checked again under the lock: writing to a completed PipeWriter throws.
        if (_closed is not null)
        {
            ReleaseLock();
            return false;
        }

        WriteFrameUnsynchronized(new Response { Keepalive = new KeepaliveResponse { Time = time } }, isData: false);
        _ = FlushThenReleaseAsync();
        return true;
    }

    /// <summary>The sweeper's look at this writer: flushes stale data (or asks the lock holder to) without waiting.</summary>
    /// <returns>When to look again, or <see cref="long.MaxValue"/> when the writer is disarmed.</returns>
    public long SweepStale(long now)
    {
        if (_closed is not null)
        {
            Interlocked.Exchange(ref _armed, 0);
            return long.MaxValue;
        }

        var since = Volatile.Read(ref _pendingSince);
        if (since != 0 && now < since + _maxDelay)
        {
            return since + _maxDelay;
        }

        Interlocked.Exchange(ref _armed, 0);
        if (since == 0)
        {
            // Data written after the first read armed nothing (we were still armed): take it over.
            since = Volatile.Read(ref _pendingSince);
            return since != 0 && Interlocked.CompareExchange(ref _armed, 1, 0) == 0 ? since + _maxDelay : long.MaxValue;
        }

        _flushRequested = true;
        if (_lock.Wait(0))
        {
            _ = FlushThenReleaseAsync();
        }

        // Disarmed either way: this flush or the holder's clears the data, and new data arms again.
        return long.MaxValue;
    }

    internal static long ToTimestamp(TimeSpan span, TimeProvider time) =>
        (long)Math.Round(span.Ticks * (double)time.TimestampFrequency / TimeSpan.TicksPerSecond);

    private bool FlushDueUnsynchronized =>
        _unflushed >= _flushThreshold || _flushRequested || _maxDelay == 0 || _input.IsIdle;

    // Data stays pending: the first byte of a batch starts the clock and arms the sweeper.
    private void NotePendingUnsynchronized()
    {
        if (_unflushed == 0 || _pendingSince != 0)
        {
            return;
        }

        var now = _time.GetTimestamp();
        Volatile.Write(ref _pendingSince, now);
        if (Interlocked.CompareExchange(ref _armed, 1, 0) == 0)
        {
            _sweeper.Arm(this, now + _maxDelay);
        }
    }

    // Every lock hold ends here. A flush the sweeper asked for after the holder's own check is done right away:
    // the sweeper gave up on the lock rather than wait for it.
    private void ReleaseLock()
    {
        _lock.Release();
        if (!_flushRequested || !_lock.Wait(0))
        {
            return;
        }

        if (_unflushed > 0 && _closed is null)
        {
            _ = FlushThenReleaseAsync();
            return;
        }

        _flushRequested = false;
        _lock.Release();
    }

    // Called with the lock held; lets go of it when the flush is done, on whatever thread completes it.
    private async Task FlushThenReleaseAsync()
    {
        try
        {
            await FlushUnsynchronizedAsync(throwIfLost: false);
        }
        finally
        {
            ReleaseLock();
        }
    }

    private async ValueTask FlushUnsynchronizedAsync(bool throwIfLost = true)
    {
        _flushRequested = false;
        if (_unflushed == 0)
        {
            return;
        }

        Exception? lost = null;
        try
        {
            var result = await _output.FlushAsync();
            if (result.IsCompleted || result.IsCanceled)
            {
                lost = new IOException(result.IsCanceled ? "output flush was cancelled" : "the output was closed by the reader");
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            lost = ex;
        }

        _unflushed = 0;
        Volatile.Write(ref _pendingSince, 0);
        if (lost is null)
        {
            Interlocked.Increment(ref _flushCount);
            return;
        }

        var closed = new UdfOutputClosedException($"the output is closed: {lost.Message}", lost);
        _closed ??= closed;
        _onOutputLost(lost);
        if (throwIfLost)
        {
            throw closed;
        }
    }
}
