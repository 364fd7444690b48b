using System.Buffers;
using System.Collections.Concurrent;
using Google.Protobuf;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Agent;

public sealed partial class UdfAgent
{
    // Data frames are small; anything larger (a restore) goes straight to Google.Protobuf without a copy.
    private const int MaxFastFrameSize = 64 * 1024;

    private readonly DataFrameDecoder _decoder = new();
    private long _inputPosition;
    private RateLimitedLog? _unknownRequests;
    private RateLimitedLog? _unknownFields;
    private byte[]? _contiguous;

    // Requests (with their points) cycle between reader and worker when the handler borrows points.
    private ConcurrentQueue<Request>? _requestPool;

    // The reader thread: frames in, keepalives answered at once, everything else queued in order.
    private async Task ReadLoopAsync()
    {
        var inputBroken = false;
        try
        {
            await ReadFramesAsync();
        }
        catch (FrameException ex)
        {
            await FailAsync($"read error at byte offset {_inputPosition}: {ex.Message}", ex);
        }
        catch (UdfOutputClosedException)
        {
            // Answering a keepalive found the output gone; the agent is already giving up.
        }
        catch (Exception ex)
        {
            inputBroken = true;
            await FailAsync($"read error: {ex.Message}", ex);
        }
        finally
        {
            _queue.Writer.TryComplete();
            StartDrainClock("the input ended");
        }

        if (_failure is not null && !inputBroken)
        {
            await DiscardUntilEndAsync();
        }
        else
        {
            await MarkReaderIdleAsync();
        }

        await _input.CompleteAsync();
    }

    private async Task ReadFramesAsync()
    {
        while (true)
        {
            var result = await _input.ReadAsync();
            var buffer = result.Buffer;
            _writer.MarkBusy(InputSide.Reader);
            try
            {
                while (true)
                {
                    var frameStart = buffer;
                    if (!VarintFrame.TryReadFrame(ref buffer, _options.MaxFrameSize, out var payload))
                    {
                        break;
                    }

                    await DispatchAsync(payload);
                    _inputPosition += frameStart.Length - buffer.Length;
                    if (_failure is not null)
                    {
                        return;
                    }
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        throw VarintFrame.DescribeTruncation(buffer);
                    }

                    return;
                }
            }
            finally
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
            }

            await _writer.MarkIdleAsync(InputSide.Reader);
        }
    }

    private async ValueTask DispatchAsync(ReadOnlySequence<byte> payload)
    {
        Request request;
        try
        {
            var invalidField = Decode(payload, out request);
            if (invalidField is not null)
            {
                await FailAsync($"read error at byte offset {_inputPosition}: invalid UTF-8 in string field {invalidField}; Kapacitor never sends it, so the input is corrupt");
                return;
            }
        }
        catch (InvalidProtocolBufferException ex)
        {
            await FailAsync($"read error at byte offset {_inputPosition}: malformed Request of {payload.Length} bytes: {ex.Message}", ex);
            return;
        }

        switch (request.MessageCase)
        {
            case Request.MessageOneofCase.Keepalive:
                var time = request.Keepalive.Time;
                _monitor.OnKeepaliveRequest(time);
                await _writer.WriteManagementAsync(new Response { Keepalive = new KeepaliveResponse { Time = time } });
                break;
            case Request.MessageOneofCase.None:
                // Go and Python ignore what they do not understand (requirement 6); so do we, audibly.
                _unknownRequests ??= new RateLimitedLog(_log, "Ignoring a request with no known message set at byte offset {Offset}");
                _unknownRequests.Warn(_inputPosition);
                break;
            default:
                try
                {
                    await _queue.Writer.WriteAsync(request, _stopping.Token);
                }
                catch (OperationCanceledException) when (_failure is not null)
                {
                    // The agent failed while this request waited for room (a hung call): it will never be handled.
                }

                break;
        }
    }

    // With no more input coming, the worker's last answers must not wait for a reader that will never go idle.
    private async ValueTask MarkReaderIdleAsync()
    {
        try
        {
            await _writer.MarkIdleAsync(InputSide.Reader);
        }
        catch (UdfOutputClosedException)
        {
            // The output is gone; the agent is already giving up.
        }
    }

    // Data frames take the fast decoder; everything else (and anything it declines) Google.Protobuf, after a UTF-8
    // check it does not do itself. Returns the invalid string field, if any.
    private string? Decode(ReadOnlySequence<byte> payload, out Request request)
    {
        if (payload.Length <= MaxFastFrameSize)
        {
            request = RentRequest();
            var status = _decoder.TryDecode(Contiguous(payload), request);
            if (status == DecodeStatus.Decoded)
            {
                return null;
            }

            if (status == DecodeStatus.InvalidUtf8)
            {
                return _decoder.InvalidField;
            }

            _requestPool?.Enqueue(request);
        }

        var invalidField = Utf8Validator.FindInvalidString(payload);
        request = invalidField is null ? Request.Parser.ParseFrom(payload) : new Request();
        if (request.MessageCase != Request.MessageOneofCase.None && UnknownFields.Any(request))
        {
            _unknownFields ??= new RateLimitedLog(_log, "Ignoring unknown or mistyped fields in a request at byte offset {Offset}");
            _unknownFields.Warn(_inputPosition);
        }

        return invalidField;
    }

    private ReadOnlySpan<byte> Contiguous(ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            return payload.FirstSpan;
        }

        _contiguous ??= new byte[MaxFastFrameSize];
        payload.CopyTo(_contiguous);
        return _contiguous.AsSpan(0, (int)payload.Length);
    }

    private Request RentRequest() =>
        _requestPool is not null && _requestPool.TryDequeue(out var request) ? request : new Request();

    // After a fatal error Kapacitor still writes until it has read our ErrorResponse; reading on (and dropping
    // the bytes) lets it record our text rather than a broken pipe. Bounded by the drain deadline.
    private async Task DiscardUntilEndAsync()
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync();
                _input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            _log.Debug(ex, "The input broke while being discarded after the error");
        }
    }
}
