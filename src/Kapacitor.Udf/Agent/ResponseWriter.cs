using System.Buffers;
using System.IO.Pipelines;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Agent;

/// <summary>
/// The only path to the output: whole frames under one lock, the data gate, and the flush policy.
/// </summary>
/// <remarks>
/// <para><b>Lock.</b> <c>_lock</c> guards every field below it and the <see cref="PipeWriter"/>. It is held across
/// a flush, so a slow consumer stalls every writer (back-pressure) instead of letting output pile up. Members
/// ending in <c>Unsynchronized</c> must be called with the lock held.</para>
/// <para><b>Data gate.</b> Kapacitor cannot read data before it has the Init (and Restore) answer (reference
/// §2.4), so data written before <see cref="OpenDataGateAsync"/> is framed into a held buffer, bounded by
/// <c>maxHeldBytes</c>; beyond it writers wait for the gate.</para>
/// <para><b>Flush policy.</b> Management responses flush at once. Data flushes when the input side is idle (the
/// reader has no frames in hand, nothing is queued, and no call runs) or <c>flushThreshold</c> bytes are pending,
/// never per point while input is streaming. Each side marks itself busy and idle; idleness is judged under the
/// lock, so whichever side goes idle last flushes, exactly once per burst, and an emit while idle flushes at once.</para>
/// <para>Awaits here deliberately keep the caller's context: on the agent's dedicated threads a continuation
/// returns to that thread, so a starved thread pool cannot delay a keepalive.</para>
/// </remarks>
internal sealed class ResponseWriter
{
    private enum After
    {
        FlushNow,
        FlushIfIdle,
        WaitForGate,
    }

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly PipeWriter _output;
    private readonly long _flushThreshold;
    private readonly long _maxHeldBytes;
    private readonly Action<Exception> _onOutputLost;
    private readonly Func<bool> _inputQueued;
    private readonly TaskCompletionSource _gateOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Response _scratch = new();
    private readonly DataFrameEncoder _encoder = new();
    private ArrayBufferWriter<byte>? _held;
    private int _heldFrames;
    private bool _dataOpen;
    private long _unflushed;
    private long _flushCount;
    private volatile bool _readerBusy;
    private volatile bool _workerBusy;
    // Volatile: Abort reads it without the lock.
    private volatile bool _outputCompleted;
    private volatile bool _aborted;
    private volatile UdfOutputClosedException? _closed;

    public ResponseWriter(PipeWriter output, long flushThreshold, long maxHeldBytes, Func<bool> inputQueued, Action<Exception> onOutputLost)
    {
        _inputQueued = inputQueued;
        _output = output;
        _flushThreshold = flushThreshold;
        _maxHeldBytes = maxHeldBytes;
        _onOutputLost = onOutputLost;
    }

    /// <summary>How many flushes have reached the output: the monitor's evidence that Kapacitor heard from us.</summary>
    public long FlushCount => Interlocked.Read(ref _flushCount);

    /// <summary>Whether the worker has input queued or a call running.</summary>
    public bool IsWorkerBusy => _workerBusy;

    /// <summary>Frames held back by the gate when the output was completed without it opening.</summary>
    public int DroppedHeldFrames { get; private set; }

    /// <summary>Writes a management answer (info, init, snapshot, restore, keepalive, error) and flushes.</summary>
    public ValueTask WriteManagementAsync(Response response)
    {
        // kapacitord panics on a Response with no message (influxdata/kapacitor#2132): refuse it here, once.
        if (response.MessageCase == Response.MessageOneofCase.None)
        {
            throw new ArgumentException("a Response with no message set would crash kapacitord (#2132)", nameof(response));
        }

        return WriteLockedAsync(response, static (w, r) =>
        {
            w.WriteFrameUnsynchronized(r, isData: false);
            return After.FlushNow;
        }, CancellationToken.None);
    }

    public ValueTask WritePointAsync(Point point, CancellationToken cancellationToken) =>
        WriteLockedAsync(point, static (w, p) =>
        {
            if (w.GateFullUnsynchronized)
            {
                return After.WaitForGate;
            }

            w._scratch.Point = p;
            w.WriteScratchUnsynchronized();
            return After.FlushIfIdle;
        }, cancellationToken);

    public ValueTask WriteBatchAsync(BeginBatch begin, IReadOnlyList<Point> points, EndBatch end, CancellationToken cancellationToken)
    {
        // Kapacitor sizes its buffer from begin.size and panics when it is negative: always send the real count.
        if (begin.Size != points.Count)
        {
            begin = new BeginBatch(begin) { Size = points.Count };
        }

        return WriteLockedAsync((begin, points, end), static (w, batch) =>
        {
            if (w.GateFullUnsynchronized)
            {
                return After.WaitForGate;
            }

            w._scratch.Begin = batch.begin;
            w.WriteScratchUnsynchronized();
            for (var i = 0; i < batch.points.Count; i++)
            {
                w._scratch.Point = batch.points[i];
                w.WriteScratchUnsynchronized();
            }

            w._scratch.End = batch.end;
            w.WriteScratchUnsynchronized();
            return After.FlushIfIdle;
        }, cancellationToken);
    }

    /// <summary>An unsolicited keepalive answer while a handler call runs long; skipped when a writer holds the lock.</summary>
    /// <returns><see langword="false"/> when it was skipped.</returns>
    public async ValueTask<bool> TryWriteHeartbeatAsync(long time)
    {
        if (_closed is not null || !_lock.Wait(0))
        {
            return false;
        }

        try
        {
            // Checked again under the lock: the output may have been completed since, and writing to a completed
            // PipeWriter throws on the monitor's thread.
            if (_closed is not null)
            {
                return false;
            }

            WriteFrameUnsynchronized(new Response { Keepalive = new KeepaliveResponse { Time = time } }, isData: false);
            await FlushUnsynchronizedAsync();
            return true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Lets data through: releases the held frames, in order, and flushes them.</summary>
    public async ValueTask OpenDataGateAsync()
    {
        await _lock.WaitAsync();
        try
        {
            if (_dataOpen || _closed is not null)
            {
                return;
            }

            _dataOpen = true;
            if (_held is not null)
            {
                _output.Write(_held.WrittenSpan);
                _unflushed += _held.WrittenCount;
                _held = null;
                await FlushUnsynchronizedAsync();
            }
        }
        finally
        {
            _lock.Release();
            _gateOpened.TrySetResult();
        }
    }

    /// <summary>One side of the input has work in hand: data may wait for the next flush.</summary>
    public void MarkBusy(InputSide side)
    {
        if (side == InputSide.Reader)
        {
            _readerBusy = true;
        }
        else
        {
            _workerBusy = true;
        }
    }

    /// <summary>One side of the input ran out of work: if the other has too, flush whatever data is pending, so
    /// nothing sits while Kapacitor waits.</summary>
    public async ValueTask MarkIdleAsync(InputSide side)
    {
        await _lock.WaitAsync();
        try
        {
            // Written under the lock, so of two sides going idle at once the later one sees both flags clear.
            if (side == InputSide.Reader)
            {
                _readerBusy = false;
            }
            else
            {
                _workerBusy = false;
            }

            if (InputIdleUnsynchronized && _unflushed > 0 && _closed is null)
            {
                await FlushUnsynchronizedAsync();
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Flushes what is pending (unless aborted) and completes the output, so the consumer sees the end of
    /// the stream. Idempotent.</summary>
    /// <param name="reason">Why data is no longer accepted, for later emitters.</param>
    public async ValueTask CompleteAsync(string reason)
    {
        await _lock.WaitAsync();
        try
        {
            await CompleteUnsynchronizedAsync(reason);
        }
        finally
        {
            _lock.Release();
            _gateOpened.TrySetResult();
        }
    }

    /// <summary>Writes the agent's one <c>ErrorResponse</c> and completes the output in the same lock hold, so no
    /// frame from another thread (an emitter, a heartbeat) can follow the error (requirement 26).</summary>
    /// <param name="error">The error text Kapacitor reports as the task's error.</param>
    /// <param name="reason">Why data is no longer accepted, for later emitters.</param>
    /// <returns>A task that completes when the output is completed (nothing is written if it already was).</returns>
    public async ValueTask WriteErrorAndCompleteAsync(string error, string reason)
    {
        await _lock.WaitAsync();
        try
        {
            if (_closed is null)
            {
                WriteFrameUnsynchronized(new Response { Error = new ErrorResponse { Error = error } }, isData: false);
            }

            await CompleteUnsynchronizedAsync(reason);
        }
        finally
        {
            _lock.Release();
            _gateOpened.TrySetResult();
        }
    }

    /// <summary>Stops all writing at once, without waiting for the lock (a writer may be stuck in a flush): the
    /// output is gone or the agent gave up. <see cref="CompleteAsync"/> still ends the stream when it can.</summary>
    public void Abort(Exception reason)
    {
        _aborted = true;
        _closed ??= new UdfOutputClosedException($"output aborted: {reason.Message}", reason);
        if (!_outputCompleted)
        {
            try
            {
                _output.CancelPendingFlush();
            }
            catch (ObjectDisposedException)
            {
                // Completed between the check and the call (a StreamPipeWriter disposes its token source on
                // completion): there is no flush left to cancel. Unhandled, this crashed the process at the drain
                // deadline.
            }
        }

        _gateOpened.TrySetResult();
    }

    // Flushes (unless aborted) and completes the output once; a transport already gone is not an error here.
    private async ValueTask CompleteUnsynchronizedAsync(string reason)
    {
        if (_outputCompleted)
        {
            return;
        }

        _outputCompleted = true;
        if (_held is not null)
        {
            DroppedHeldFrames = _heldFrames;
            _held = null;
        }

        _closed ??= new UdfOutputClosedException(reason);
        try
        {
            if (!_aborted)
            {
                await FlushUnsynchronizedAsync(throwIfLost: false);
            }

            await _output.CompleteAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Completing flushes through to a transport that is already gone: nothing left to deliver to.
        }
    }

    private bool InputIdleUnsynchronized => !_readerBusy && !_workerBusy && !_inputQueued();

    private bool GateFullUnsynchronized =>
        !_dataOpen && _held is { WrittenCount: > 0 } held && held.WrittenCount >= _maxHeldBytes;

    private async ValueTask WriteLockedAsync<TState>(TState state, Func<ResponseWriter, TState, After> write, CancellationToken cancellationToken)
    {
        while (true)
        {
            await _lock.WaitAsync(cancellationToken);
            After after;
            try
            {
                if (_closed is { } closed)
                {
                    throw closed;
                }

                after = write(this, state);
                if (after == After.FlushNow || (after == After.FlushIfIdle && (_unflushed >= _flushThreshold || InputIdleUnsynchronized)))
                {
                    await FlushUnsynchronizedAsync();
                }
            }
            finally
            {
                _lock.Release();
            }

            if (after != After.WaitForGate)
            {
                return;
            }

            await _gateOpened.Task.WaitAsync(cancellationToken);
        }
    }

    private void WriteScratchUnsynchronized()
    {
        try
        {
            WriteFrameUnsynchronized(_scratch, isData: true);
        }
        finally
        {
            _scratch.ClearMessage();
        }
    }

    // The one write primitive: a whole frame, to the output or (data before the gate opens) to the held buffer.
    // Data frames go through the fast encoder, which produces Google.Protobuf's exact bytes or declines.
    private void WriteFrameUnsynchronized(Response response, bool isData)
    {
        var held = isData && !_dataOpen;
        IBufferWriter<byte> target = held ? _held ??= new ArrayBufferWriter<byte>() : _output;
        var written = response.MessageCase switch
        {
            Response.MessageOneofCase.Point => _encoder.TryWritePoint(target, response.Point),
            Response.MessageOneofCase.Begin => _encoder.TryWriteBegin(target, response.Begin),
            Response.MessageOneofCase.End => _encoder.TryWriteEnd(target, response.End),
            _ => -1,
        };
        if (written < 0)
        {
            written = VarintFrame.WriteFrame(target, response);
        }

        if (held)
        {
            _heldFrames++;
        }
        else
        {
            _unflushed += written;
        }
    }

    private async ValueTask FlushUnsynchronizedAsync(bool throwIfLost = true)
    {
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
