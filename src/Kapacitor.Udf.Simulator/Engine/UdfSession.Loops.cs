using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Threading.Channels;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Engine;

internal sealed partial class UdfSession
{
    // The only writer: every chunk of frames in queue order. When the queue completes (or the run aborts) it closes
    // the UDF's input.
    private async Task WriteLoopAsync()
    {
        var output = _connection.Requests;
        var inFlight = false;
        try
        {
            await foreach (var chunk in _outgoing.Queue.Reader.ReadAllAsync(_killed.Token))
            {
                try
                {
                    if (!IsAborted)
                    {
                        inFlight = true;
                        await output.WriteAsync(chunk.Bytes.WrittenMemory, _killed.Token);
                        await output.FlushAsync(_killed.Token);
                        inFlight = false;
                        Interlocked.Add(ref _keepalivesSent, chunk.Keepalives);
                    }
                }
                finally
                {
                    _outgoing.Return(chunk);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            if (!IsAborted && !_killed.IsCancellationRequested)
            {
                Report(ViolationKind.WriteError, fatal: true, $"write error: {ex.Message}");
            }
        }
        catch (OperationCanceledException) when (_killed.IsCancellationRequested)
        {
            // Killed: nothing more to write.
        }
        finally
        {
            // A write that ended by an exception rather than by completing: the UDF had stopped reading its input, and
            // the exit diagnosis says so even though this loop has ended (whichever of abort and close came first).
            _writeEndedBlocked = inFlight;

            // Unblock anyone still trying to queue a request.
            _outgoing.Queue.Writer.TryComplete();
            await CloseInputAsync();
        }
    }

    private async Task CloseInputAsync()
    {
        try
        {
            await _connection.CloseRequestsAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The UDF is gone already; the reader and the exit code tell the story.
        }
    }

    // The simulator's one loop that reads frames from the UDF.
    private async Task ReadLoopAsync()
    {
        var input = PipeReader.Create(_connection.Responses, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var frames = new FrameReader(input, _options.MaxFrameSize);
        try
        {
            while (await frames.ReadAsync(_killed.Token))
            {
                var handled = false;
                var busyFrom = _options.TimeProvider.GetTimestamp();
                _readerBusy = true;
                try
                {
                    while (frames.TryReadFrame(out var payload))
                    {
                        handled = true;
                        if (!Handle(payload))
                        {
                            return;
                        }
                    }

                    if (handled)
                    {
                        _options.ResponsesIdle?.Invoke();
                    }
                }
                finally
                {
                    if (handled)
                    {
                        // Kapacitor's watchdog: any response at all counts as a sign of life. Set after the callbacks,
                        // which may have waited on a slow consumer of the simulator's own output meanwhile.
                        var now = _options.TimeProvider.GetTimestamp();
                        Interlocked.Add(ref _busyTimestampTicks, now - busyFrom);
                        Volatile.Write(ref _lastResponseTimestamp, now);
                        Volatile.Write(ref _lastResponseUnixNanoseconds, UnixNanoseconds(_options.TimeProvider.GetUtcNow()));
                    }

                    _readerBusy = false;
                }
            }
        }
        catch (FrameException ex)
        {
            Report(ViolationKind.ReadError, fatal: true, $"read error: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            if (!_killed.IsCancellationRequested)
            {
                Report(ViolationKind.ReadError, fatal: true, $"read error: {ex.Message}");
            }
        }
        catch (OperationCanceledException) when (_killed.IsCancellationRequested)
        {
            // Killed: the output is abandoned.
        }
        finally
        {
            frames.Release();
            await input.CompleteAsync();
            OnOutputEnded();
        }
    }

    private bool Handle(ReadOnlySequence<byte> payload)
    {
        // Only on the task connection (the probe's responses go nowhere) and only when no Point is kept.
        if (_responseReceived is not null && !_options.KeepResponses && _options.PointReceived is { } pointReceived
            && TryHandleEncodedPoint(payload, pointReceived))
        {
            return true;
        }

        Response response;
        try
        {
            response = Response.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            Report(ViolationKind.ReadError, fatal: true, $"read error: {ex.Message}");
            return false;
        }

        var violations = _checker.OnResponse(response);
        if (response.MessageCase == Response.MessageOneofCase.Point)
        {
            _control?.AddReceived(1);
        }

        _responseReceived?.Invoke(response);
        ReportUnlessAborted(violations);
        return true;
    }

    // The bulk of a run's output, a Response{point} outside a batch, handed on still encoded (field 17: 0x8A 0x01,
    // the length, the Point message) when the caller can take it that way; false to decode it as any other response.
    private bool TryHandleEncodedPoint(ReadOnlySequence<byte> payload, EncodedPointHandler pointReceived)
    {
        ReadOnlySpan<byte> frame;
        if (payload.IsSingleSegment)
        {
            frame = payload.FirstSpan;
        }
        else
        {
            if (_scratch.Length < payload.Length)
            {
                _scratch = new byte[Math.Max(payload.Length, 2 * _scratch.Length)];
            }

            payload.CopyTo(_scratch);
            frame = _scratch.AsSpan(0, (int)payload.Length);
        }

        // At most 5 bytes of length: a point's length fits in 32 bits, and a slice this short never throws (only a
        // tenth byte can overflow), so anything longer falls through to the parser, which names the fault.
        if (frame.Length < 3 || frame[0] != 0x8A || frame[1] != 0x01
            || !VarintFrame.TryReadLength(frame[2..Math.Min(frame.Length, 7)], out var length, out var prefix)
            || length != (ulong)(frame.Length - 2 - prefix) || _checker.IsBatchOpen || !pointReceived(frame[(2 + prefix)..]))
        {
            return false;
        }

        var violations = _checker.OnEncodedPoint();
        _control?.AddReceived(1);
        ReportUnlessAborted(violations);
        return true;
    }

    private void OnOutputEnded()
    {
        // On the probe the UDF may exit as soon as it has answered Info; on a task only after its input ended.
        var early = _phase == SimulationPhase.Probe ? !_checker.InfoAnswered : !_inputClosing;
        if (early && !IsAborted && !_killed.IsCancellationRequested)
        {
            Report(ViolationKind.OutputClosedEarly, fatal: true,
                "the UDF closed its output (EOF) before its input was closed" +
                (_phase == SimulationPhase.Probe ? " and without answering the InfoRequest" : string.Empty) +
                ": Kapacitor's next write fails with a broken pipe if the process exited, or the node dies at the keepalive timeout");
        }

        ReportUnlessAborted(_checker.OnEndOfOutput());
    }

    // After an abort Kapacitor no longer judges what the UDF sends (its reader has returned with the first error),
    // so later data is still recorded but not reported: one root cause, not a cascade.
    private void ReportUnlessAborted(List<Violation>? violations)
    {
        if (IsAborted)
        {
            return;
        }

        foreach (var violation in violations ?? [])
        {
            Report(violation);
        }
    }

    // Kapacitor's keepalive ticker: every timeout/2, queued behind whatever is already queued (no priority), until
    // stopping or abort.
    private async Task KeepaliveLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.Timeout / 2, _options.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                var time = UnixNanoseconds(_options.TimeProvider.GetUtcNow());
                var chunk = _outgoing.Keepalive(new Request { Keepalive = new KeepaliveRequest { Time = time } });
                await _outgoing.Queue.Writer.WriteAsync(chunk, _stopping.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        catch (ChannelClosedException)
        {
            // The input is closing.
        }
    }

    private async Task WatchdogLoopAsync()
    {
        try
        {
            while (true)
            {
                // Busy first: the reader sets the time of the last response before it stops being busy.
                var busy = _readerBusy;
                var remaining = _options.Timeout - _options.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastResponseTimestamp));
                if (remaining <= TimeSpan.Zero && busy)
                {
                    // The reader is handing responses on (and may wait for the simulator's own output): not the UDF's time.
                    remaining = _options.Timeout / 4;
                }
                else if (remaining <= TimeSpan.Zero)
                {
                    var last = DateTimeOffset.UnixEpoch.AddTicks(Volatile.Read(ref _lastResponseUnixNanoseconds) / 100);
                    Report(ViolationKind.KeepaliveTimeout, fatal: true,
                        $"keepalive timedout, last keepalive received was: {last.ToString("yyyy-MM-dd HH:mm:ss.fffffff 'UTC'", CultureInfo.InvariantCulture)} " +
                        $"(no response of any kind within the {Format(_options.Timeout)} timeout; Kapacitor aborts the node)");
                    return;
                }

                await Task.Delay(remaining, _options.TimeProvider, _stopping.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: Kapacitor's watchdog ends as soon as the node starts stopping.
        }
    }
}
