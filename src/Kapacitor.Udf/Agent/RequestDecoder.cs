using System.Buffers;
using System.Collections.Concurrent;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Protocol;
using Serilog;

namespace Kapacitor.Udf;

/// <summary>
/// Turns one frame's payload into a <see cref="Request"/>: data frames through the agent's own decoder, everything
/// else (and anything it declines) through Google.Protobuf after a UTF-8 check it does not do itself. Used by the
/// reader only; the request pool is shared with the worker, which returns borrowed points.
/// </summary>
internal sealed class RequestDecoder
{
    /// <summary>Data frames are small; anything larger (a restore) goes straight to Google.Protobuf without a copy.</summary>
    public const int MaxFastFrameSize = 64 * 1024;

    private readonly DataFrameDecoder _decoder = new();
    private readonly ILogger _log;
    private RateLimitedLog? _unknownFields;

    // Requests (with their points) cycle between reader and worker when the handler borrows points.
    private ConcurrentQueue<Request>? _pool;

    public RequestDecoder(ILogger log) => _log = log;

    /// <summary>Lets the agent reuse point requests once the worker has handed them back.</summary>
    public void ReusePoints() => _pool = new ConcurrentQueue<Request>();

    /// <summary>A request the worker is done with; kept for reuse when points are borrowed.</summary>
    public void Return(Request request)
    {
        if (_pool is not null && request.MessageCase is Request.MessageOneofCase.Point)
        {
            _pool.Enqueue(request);
        }
    }

    /// <summary>Decodes <paramref name="payload"/>; <paramref name="offset"/> names it in warnings.</summary>
    /// <returns>The path of a string field holding invalid UTF-8 (the request is then not usable), or
    /// <see langword="null"/>.</returns>
    /// <exception cref="Google.Protobuf.InvalidProtocolBufferException">The payload is not a Request (the parser may
    /// also throw other exceptions for some malformed input; all of them are the payload's fault).</exception>
    public string? Decode(ReadOnlySequence<byte> payload, long offset, out Request request)
    {
        if (payload.Length <= MaxFastFrameSize)
        {
            request = _pool is not null && _pool.TryDequeue(out var reused) ? reused : new Request();
            var status = DecodeFast(payload, request);
            if (status == DecodeStatus.Decoded)
            {
                return null;
            }

            if (status == DecodeStatus.InvalidUtf8)
            {
                return _decoder.InvalidField;
            }

            _pool?.Enqueue(request);
        }

        var invalidField = Utf8Validator.FindInvalidString(payload);
        request = invalidField is null ? Request.Parser.ParseFrom(payload) : new Request();
        if (request.MessageCase != Request.MessageOneofCase.None && UnknownFields.Any(request))
        {
            _unknownFields ??= new RateLimitedLog(_log, "Ignoring unknown or mistyped fields in a request at byte offset {Offset}");
            _unknownFields.Warn(offset);
        }

        return invalidField;
    }

    // A payload split across buffer segments is copied into a rented buffer for the span decoder, and the buffer
    // is given back at once: an idle connection holds none.
    private DecodeStatus DecodeFast(ReadOnlySequence<byte> payload, Request request)
    {
        if (payload.IsSingleSegment)
        {
            return _decoder.TryDecode(payload.FirstSpan, request);
        }

        var length = (int)payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            payload.CopyTo(buffer);
            return _decoder.TryDecode(buffer.AsSpan(0, length), request);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
