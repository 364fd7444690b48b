using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Core;

/// <summary>Responses from a stream, one whole frame at a time, blocking or asynchronous. Holds a small buffer that
/// grows only for a frame larger than it.</summary>
internal sealed class StreamFrameReader
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;

    public StreamFrameReader(Stream stream, int bufferSize = 64 * 1024)
    {
        _stream = stream;
        _buffer = new byte[bufferSize];
    }

    /// <summary>The next response; <see langword="null"/> at the end of the stream.</summary>
    /// <exception cref="EndOfStreamException">The stream ended inside a frame.</exception>
    /// <exception cref="FrameException">A length prefix is longer than 10 bytes.</exception>
    public Response? Next()
    {
        Response? response;
        while (!TryTake(out response))
        {
            if (!Filled(_stream.Read(Room())))
            {
                return null;
            }
        }

        return response;
    }

    /// <inheritdoc cref="Next"/>
    public async ValueTask<Response?> NextAsync(CancellationToken cancellationToken)
    {
        Response? response;
        while (!TryTake(out response))
        {
            if (!Filled(await _stream.ReadAsync(RoomMemory(), cancellationToken)))
            {
                return null;
            }
        }

        return response;
    }

    private bool TryTake(out Response? response)
    {
        response = null;
        var available = _buffer.AsSpan(_start, _end - _start);
        if (!VarintFrame.TryReadLength(available, out var length, out var prefix) || available.Length < prefix + (long)length)
        {
            return false;
        }

        var size = prefix + (int)length;
        response = Response.Parser.ParseFrom(available[prefix..size]);
        _start += size;
        return true;
    }

    private bool Filled(int read)
    {
        if (read > 0)
        {
            _end += read;
            return true;
        }

        return _start == _end ? false : throw new EndOfStreamException("the stream ended inside a frame");
    }

    private Span<byte> Room() => RoomMemory().Span;

    // Moves what is left to the front, and grows the buffer when a frame does not fit.
    private Memory<byte> RoomMemory()
    {
        var left = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, left);
            (_start, _end) = (0, left);
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        return _buffer.AsMemory(_end);
    }
}
