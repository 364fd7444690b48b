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

    // The stand-in queued for a read error, behind the requests read before it; the error itself is _readFailure.
    private static readonly Request ReadFailed = new();

    private (UdfFailureReason Reason, string Error, Exception? Exception) _readFailure;

    // Requests (with their points) cycle between reader and worker when the handler borrows points.
    private ConcurrentQueue<Request>? _requestPool;

    // The reader thread: frames in, keepalives answered at once, everything else queued in order.
    private async Task ReadLoopAsync()
    {
        var inputBroken = false;
        var reason = UdfFailureReason.None;
        string? readError = null;
        Exception? readException = null;
        try
        {
            await ReadFramesAsync();
        }
        catch (FrameException ex)
        {
            reason = ex.Error switch
            {
                FrameError.FrameTooLarge => UdfFailureReason.FrameTooLarge,
                FrameError.VarintOverflow => UdfFailureReason.MalformedFrame,
                _ => UdfFailureReason.InputTruncated,
            };
            readError = ReadError(ex.Message);
            readException = ex;
        }
        catch (InputRejectedException ex)
        {
            reason = ex.Reason;
            readError = ex.Message;
            readException = ex.InnerException;
        }
        catch (UdfOutputClosedException)
        {
            // Answering a keepalive found the output gone; the agent is already giving up.
        }
        catch (Exception ex)
        {
            inputBroken = true;
            reason = UdfFailureReason.InputFailed;
            readError = $"read error: {ex.Message}";
            readException = ex;
        }

        try
        {
            if (readError is not null)
            {
                await QueueReadFailureAsync(reason, readError, readException);
            }
        }
        finally
        {
            _queue.Writer.TryComplete();
            StartDrainClock("the input ended");
        }

        if ((readError is not null || _failure is not null) && !inputBroken)
        {
            await DiscardUntilEndAsync();
        }
        else
        {
            await MarkReaderIdleAsync();
        }

        await _input.CompleteAsync();
    }

    // A bad frame fails the agent only after the requests before it: queued behind them, so their answers are
    // written first and the ErrorResponse is the last frame. The drain clock bounds how long they may take.
    private async ValueTask QueueReadFailureAsync(UdfFailureReason reason, string error, Exception? exception)
    {
        StartDrainClock(error);
        _readFailure = (reason, error, exception);
        try
        {
            await _queue.Writer.WriteAsync(new QueuedRequest(ReadFailed, 0), _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // The agent failed while the queue was full (a hung call): this error comes second, and is logged as such.
            await FailAsync(reason, error, exception);
        }
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
        string? invalidField;
        Request request;
        try
        {
            invalidField = Decode(payload, out request);
        }
        catch (Exception ex)
        {
            // Google.Protobuf reports most malformed input as InvalidProtocolBufferException, but not all: a nested
            // length near 2^31 makes it throw IndexOutOfRangeException (protocolbuffers/protobuf#26856). Whatever
            // the parser throws, the payload is at fault, since it is the parser's only input.
            var reason = ex is InvalidProtocolBufferException ? ex.Message : $"the parser failed with {ex.GetType().Name}: {ex.Message}";
            throw new InputRejectedException(UdfFailureReason.MalformedRequest, ReadError($"malformed Request of {payload.Length} bytes: {reason}"), ex);
        }

        if (invalidField is not null)
        {
            throw new InputRejectedException(UdfFailureReason.InvalidUtf8, ReadError($"invalid UTF-8 in string field {invalidField}; Kapacitor never sends it, so the input is corrupt"));
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
                    // Large requests share one maximum frame of room; small ones are bounded by the queue's capacity.
                    var budget = payload.Length > MaxFastFrameSize ? payload.Length : 0;
                    if (budget > 0)
                    {
                        await _largeRequests.ReserveAsync(budget, _stopping.Token);
                    }

                    await _queue.Writer.WriteAsync(new QueuedRequest(request, budget), _stopping.Token);
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

    // The one wording of every error found in the input, as Kapacitor receives it.
    private string ReadError(string detail) => $"read error at byte offset {_inputPosition}: {detail}";

    /// <summary>A payload that is a whole frame but not an acceptable Request; the message is the error to report.</summary>
    private sealed class InputRejectedException(UdfFailureReason reason, string message, Exception? inner = null) : Exception(message, inner)
    {
        public UdfFailureReason Reason { get; } = reason;
    }
}
