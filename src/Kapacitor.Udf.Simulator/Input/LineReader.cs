using System.Text;

namespace Kapacitor.Udf.Simulator.Input;

// Splits a byte stream into lines for every text input (line protocol, stream recordings, batch recordings): reads
// blocks of up to 64 KiB, hands out one line at a time, and counts lines and bytes for error messages. Memory is one
// block, or one line when a line is longer. Before each read that may wait for the source it calls `idle`, so that
// whatever was built from the lines so far can be sent first: a live line goes out at once, a file in 64 KiB steps.
internal sealed class LineReader : IDisposable
{
    /// <summary>The longest line accepted, 64 MiB (the simulator's default maximum frame size): a longer one is an error,
    /// not an ever-growing buffer.</summary>
    public const int MaxLineLength = 64 * 1024 * 1024;

    private const int BlockSize = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;

    // Not pooled: a read abandoned on stop may still complete into it later.
    private byte[] _buffer = new byte[BlockSize];
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _endOfStream;

    public LineReader(Stream stream) => _stream = stream;

    /// <summary>The 1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The byte offset of the start of the line last returned.</summary>
    public long LineOffset { get; private set; }

    /// <summary>The bytes read so far (for errors of the source itself, e.g. corrupt compressed data).</summary>
    public long BytesRead => _bufferOffset + _end;

    /// <summary>The next line without its <c>\n</c> (and a <c>\r</c> before it); valid until the next call. Null at the end.</summary>
    /// <param name="idle">Awaited before a read that may wait for the source.</param>
    /// <param name="stop">Abandons a waiting read (the source may ignore cancellation, so the wait is abandoned too).</param>
    /// <exception cref="FormatException">A line is longer than <see cref="MaxLineLength"/>.</exception>
    /// <exception cref="InvalidDataException">The source is corrupt (compressed data).</exception>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(Func<ValueTask> idle, CancellationToken stop)
    {
        ReadOnlyMemory<byte> line;
        while (!TryReadLine(out line))
        {
            if (!await ReadMoreAsync(idle, stop))
            {
                return null;
            }
        }

        return line;
    }

    /// <summary>The next line when it is already read in whole (no waiting), as <see cref="ReadLineAsync"/> returns it.</summary>
    /// <param name="line">The line; valid until the next call.</param>
    /// <returns>False when more must be read first (<see cref="ReadMoreAsync"/>).</returns>
    public bool TryReadLine(out ReadOnlyMemory<byte> line)
    {
        var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
        if (newline >= 0)
        {
            line = Take(newline, newline + 1);
            return true;
        }

        if (_endOfStream && _start < _end)
        {
            line = Take(_end - _start, _end - _start);
            return true;
        }

        line = default;
        return false;
    }

    /// <summary>Reads more of the source; false at its end, when every line has been taken.</summary>
    /// <param name="idle">Awaited before a read that may wait for the source.</param>
    /// <param name="stop">Abandons a waiting read.</param>
    /// <returns>Whether there may be more lines.</returns>
    /// <exception cref="FormatException">A line is longer than <see cref="MaxLineLength"/>.</exception>
    /// <exception cref="InvalidDataException">The source is corrupt (compressed data).</exception>
    public async ValueTask<bool> ReadMoreAsync(Func<ValueTask> idle, CancellationToken stop)
    {
        if (_endOfStream)
        {
            return _start < _end;
        }

        await FillAsync(idle, stop);
        return true;
    }

    /// <summary>Decodes a line as UTF-8, refusing invalid bytes.</summary>
    /// <param name="line">The line.</param>
    /// <param name="text">The text.</param>
    /// <param name="invalidAt">The 0-based byte index of the first invalid byte, when false.</param>
    /// <returns>Whether the line is valid UTF-8.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> line, out string text, out int invalidAt)
    {
        try
        {
            text = StrictUtf8.GetString(line);
            invalidAt = -1;
            return true;
        }
        catch (DecoderFallbackException ex)
        {
            text = string.Empty;
            invalidAt = Math.Max(ex.Index, 0);
            return false;
        }
    }

    public void Dispose() => _stream.Dispose();

    private ReadOnlyMemory<byte> Take(int length, int consumed)
    {
        LineNumber++;
        LineOffset = _bufferOffset + _start;
        var line = _buffer.AsMemory(_start, length);
        _start += consumed;
        return line.Span.EndsWith((byte)'\r') ? line[..^1] : line;
    }

    private async ValueTask FillAsync(Func<ValueTask> idle, CancellationToken stop)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _bufferOffset += _start;
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length > MaxLineLength)
            {
                throw new FormatException($"the line is longer than {MaxLineLength / (1024 * 1024)} MiB");
            }

            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxLineLength + 1));
        }

        await idle();
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), stop).AsTask().WaitAsync(stop);
        _end += read;
        _endOfStream = read == 0;
    }
}
