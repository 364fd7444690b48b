using System.Buffers;
using System.IO.Pipelines;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// The only path to the output: whole frames under one lock, the data gate, and the flush policy
/// (ResponseWriter.Flush.cs).
/// </summary>
/// <remarks>
/// <para><b>Lock.</b> <c>_lock</c> guards every field below it and the <see cref="PipeWriter"/>. It is held across
/// a flush, so a slow consumer stalls every writer (back-pressure) instead of letting output pile up. Members
/// ending in <c>Unsynchronized</c> must be called with the lock held; every hold ends in
/// <c>ReleaseLock</c>, which honours a flush the sweeper asked for meanwhile.</para>
/// <para><b>Data gate.</b> Kapacitor cannot read data before it has the Init (and Restore) answer (reference
/// docs/protocol.md, "Snapshots"), so data written before <see cref="OpenDataGateAsync"/> is framed into a held buffer, bounded by
/// <c>maxHeldBytes</c>; beyond it writers wait for the gate.</para>
/// <para>Awaits here deliberately keep the caller's context: the agent's own threads (the process-mode reader, a
/// connection's handler strand, the sweeper) get their continuations back, so a starved thread pool cannot delay
/// them.</para>
/// </remarks>
internal sealed partial class ResponseWriter
{
    private enum After
    {
        FlushNow,
        FlushIfDue,
        WaitForGate,
    }

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly PipeWriter _output;
    private readonly long _maxHeldBytes;
    private readonly Action<Exception> _onOutputLost;
    // Completed inline: emitters waiting for the gate resume in their own context, not via the thread pool.
    private readonly TaskCompletionSource _gateOpened = new();
    private readonly Response _scratch = new();
    private readonly DataFrameEncoder _encoder;
    private ArrayBufferWriter<byte>? _held;
    private int _heldFrames;
    private bool _dataOpen;
    // Volatile: Abort reads it without the lock.
    private volatile bool _outputCompleted;
    private volatile bool _aborted;
    private volatile UdfOutputClosedException? _closed;

    // encoder: for tests (the fallback of DataFrameEncoder); the default writes Google.Protobuf's bytes fast.
    public ResponseWriter(PipeWriter output, UdfAgentOptions options, InputActivity input, AgentSweeper sweeper, Action<Exception> onOutputLost, DataFrameEncoder? encoder = null)
    {
        _encoder = encoder ?? new DataFrameEncoder();
        _output = output;
        _maxHeldBytes = options.MaxEarlyOutputBytes;
        _flushThreshold = options.FlushThresholdBytes;
        _time = options.TimeProvider;
        _maxDelay = ToTimestamp(options.MaxOutputDelay, _time);
        _input = input;
        _sweeper = sweeper;
        _onOutputLost = onOutputLost;
    }

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
            return After.FlushIfDue;
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
            return After.FlushIfDue;
        }, cancellationToken);
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
            ReleaseLock();
            _gateOpened.TrySetResult();
        }
    }

    /// <summary>Flushes what is pending (unless aborted) and completes the output, so the consumer sees the end of
    /// the stream. Idempotent.</summary>
    /// <param name="reason">Why data is no longer accepted, for later emitters.</param>
    public ValueTask CompleteAsync(string reason) => WriteErrorAndCompleteAsync(null, reason);

    /// <summary>Writes the agent's one <c>ErrorResponse</c> (when <paramref name="error"/> is set) and completes the
    /// output in the same lock hold, so no frame from another thread (an emitter, a heartbeat) can follow the error
    /// (one ErrorResponse, then the output completed).</summary>
    /// <param name="error">The error text Kapacitor reports as the task's error.</param>
    /// <param name="reason">Why data is no longer accepted, for later emitters.</param>
    /// <returns>A task that completes when the output is completed (nothing is written if it already was).</returns>
    public async ValueTask WriteErrorAndCompleteAsync(string? error, string reason)
    {
        await _lock.WaitAsync();
        try
        {
            if (error is not null && _closed is null)
            {
                WriteFrameUnsynchronized(new Response { Error = new ErrorResponse { Error = error } }, isData: false);
            }

            await CompleteUnsynchronizedAsync(reason);
        }
        finally
        {
            ReleaseLock();
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
                if (after == After.FlushNow || (after == After.FlushIfDue && FlushDueUnsynchronized))
                {
                    await FlushUnsynchronizedAsync();
                }
                else if (after == After.FlushIfDue)
                {
                    NotePendingUnsynchronized();
                }
            }
            finally
            {
                ReleaseLock();
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
}
