using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// The input side of one agent: frames in, keepalives answered at once, every other request queued in order for the
/// worker; a read error is queued behind the requests before it, then the rest of the input is discarded until EOF.
/// </summary>
/// <remarks>Runs as one sequential async loop: on its own thread with blocking reads in process mode, on the thread
/// pool over async socket reads in socket mode. It never calls the handler, so a handler that blocks cannot delay a
/// keepalive answer; when the queue is full it stops reading (back-pressure).</remarks>
internal sealed class RequestReader
{
    private readonly UdfAgent _agent;
    private readonly PipeReader _input;
    private readonly long _maxFrameSize;
    private readonly ChannelWriter<QueuedRequest> _queue;
    private readonly QueueBudget _largeRequests;
    private readonly InputActivity _activity;
    private readonly ResponseWriter _writer;
    private readonly KeepaliveMonitor _monitor;
    private readonly RequestDecoder _decoder;
    private RateLimitedLog? _unknownRequests;
    private long _position;
    private bool _wentIdle;

    public RequestReader(UdfAgent agent, PipeReader input, ChannelWriter<QueuedRequest> queue, QueueBudget largeRequests, InputActivity activity, ResponseWriter writer, KeepaliveMonitor monitor, RequestDecoder decoder)
    {
        _agent = agent;
        _input = input;
        _maxFrameSize = agent.MaxFrameSize;
        _queue = queue;
        _largeRequests = largeRequests;
        _activity = activity;
        _writer = writer;
        _monitor = monitor;
        _decoder = decoder;
    }

    public async Task RunAsync()
    {
        AgentFailure? readFailure = null;
        var inputBroken = false;
        try
        {
            await ReadFramesAsync();
            await FlushIfWentIdleAsync();
        }
        catch (FrameException ex)
        {
            readFailure = new AgentFailure(ReasonOf(ex.Error), ReadError(ex.Message), ex);
        }
        catch (InputRejectedException ex)
        {
            readFailure = ex.Failure;
        }
        catch (UdfOutputClosedException)
        {
            // Answering a keepalive found the output gone; the agent is already giving up.
        }
        catch (Exception ex)
        {
            inputBroken = true;
            readFailure = new AgentFailure(UdfFailureReason.InputFailed, $"read error: {ex.Message}", ex);
        }

        try
        {
            if (readFailure is not null)
            {
                await QueueReadFailureAsync(readFailure);
            }
        }
        finally
        {
            _queue.TryComplete();
            _agent.StartDrain("the input ended");
        }

        if ((readFailure is not null || _agent.HasFailed) && !inputBroken)
        {
            await DiscardUntilEndAsync();
        }

        await _input.CompleteAsync();
    }

    // The canonical Pipelines loop: read, take whole frames, AdvanceTo(consumed, examined).
    private async Task ReadFramesAsync()
    {
        while (true)
        {
            await FlushIfWentIdleAsync();
            var result = await _input.ReadAsync();
            var buffer = result.Buffer;
            _activity.Begin();
            try
            {
                while (true)
                {
                    var frameStart = buffer;
                    if (!VarintFrame.TryReadFrame(ref buffer, _maxFrameSize, out var payload))
                    {
                        break;
                    }

                    await DispatchAsync(payload);
                    _position += frameStart.Length - buffer.Length;
                    if (_agent.HasFailed)
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
                _wentIdle = _activity.End();
            }
        }
    }

    private async ValueTask DispatchAsync(ReadOnlySequence<byte> payload)
    {
        string? invalidField;
        Request request;
        try
        {
            invalidField = _decoder.Decode(payload, _position, out request);
        }
        catch (Exception ex)
        {
            // Google.Protobuf reports most malformed input as InvalidProtocolBufferException, but not all: a nested
            // length near 2^31 makes it throw IndexOutOfRangeException (protocolbuffers/protobuf#26856). Whatever
            // the parser throws, the payload is at fault, since it is the parser's only input.
            var why = ex is InvalidProtocolBufferException ? ex.Message : $"the parser failed with {ex.GetType().Name}: {ex.Message}";
            throw Rejected(UdfFailureReason.MalformedRequest, $"malformed Request of {payload.Length} bytes: {why}", ex);
        }

        if (invalidField is not null)
        {
            throw Rejected(UdfFailureReason.InvalidUtf8, $"invalid UTF-8 in string field {invalidField}; Kapacitor never sends it, so the input is corrupt");
        }

        switch (request.MessageCase)
        {
            case Request.MessageOneofCase.Keepalive:
                var time = request.Keepalive.Time;
                _monitor.OnKeepaliveRequest(time);
                await _writer.WriteManagementAsync(new Response { Keepalive = new KeepaliveResponse { Time = time } });
                break;
            case Request.MessageOneofCase.None:
                // Go and Python ignore what they do not understand (docs/protocol.md, "Messages"); so do we, audibly.
                _unknownRequests ??= new RateLimitedLog(_agent.Log, "Ignoring a request with no known message set at byte offset {Offset}");
                _unknownRequests.Warn(_position);
                break;
            default:
                // Large requests share one maximum frame of room; small ones are bounded by the queue's capacity.
                var budget = payload.Length > RequestDecoder.MaxFastFrameSize ? payload.Length : 0;
                _activity.Begin();
                try
                {
                    if (budget > 0)
                    {
                        await _largeRequests.ReserveAsync(budget, _agent.Stopping);
                    }

                    await _queue.WriteAsync(new QueuedRequest(request, budget), _agent.Stopping);
                }
                catch (OperationCanceledException) when (_agent.HasFailed)
                {
                    // The agent failed while this request waited for room (a hung call): it will never be handled.
                    _activity.End();
                }

                break;
        }
    }

    // A bad frame fails the agent only after the requests before it: queued behind them, so their answers are
    // written first and the ErrorResponse is the last frame. The drain deadline bounds how long they may take.
    private async ValueTask QueueReadFailureAsync(AgentFailure failure)
    {
        _agent.StartDrain(failure.Error);
        _activity.Begin();
        try
        {
            await _queue.WriteAsync(new QueuedRequest(new Request(), 0, failure), _agent.Stopping);
        }
        catch (OperationCanceledException)
        {
            _activity.End();
            // The agent failed while the queue was full (a hung call): this error comes second, and is logged as such.
            await _agent.FailAsync(failure);
        }
    }

    // The last buffer's frames are all dispatched and nothing else was in flight: whatever the handler emitted
    // for them must not wait for more input.
    private async ValueTask FlushIfWentIdleAsync()
    {
        if (_wentIdle)
        {
            _wentIdle = false;
            await _writer.FlushIfIdleAsync();
        }
    }

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
            _agent.Log.Debug(ex, "The input broke while being discarded after the error");
        }
    }

    private static UdfFailureReason ReasonOf(FrameError error) => error switch
    {
        FrameError.FrameTooLarge => UdfFailureReason.FrameTooLarge,
        FrameError.VarintOverflow => UdfFailureReason.MalformedFrame,
        _ => UdfFailureReason.InputTruncated,
    };

    // The one wording of every error found in the input, as Kapacitor receives it.
    private string ReadError(string detail) => $"read error at byte offset {_position}: {detail}";

    private InputRejectedException Rejected(UdfFailureReason reason, string detail, Exception? inner = null) =>
        new(new AgentFailure(reason, ReadError(detail), inner));

    /// <summary>A payload that is a whole frame but not an acceptable Request.</summary>
    private sealed class InputRejectedException(AgentFailure failure) : Exception(failure.Error, failure.Exception)
    {
        public AgentFailure Failure { get; } = failure;
    }
}
