using System.Buffers;
using Google.Protobuf;

namespace Kapacitor.Udf.Framing;

/// <summary>
/// The wire format shared by Kapacitor and every UDF: <c>uvarint(len(payload))</c> followed by
/// the payload, repeated, with nothing in between. Pure functions over buffers: no I/O, no state,
/// no knowledge of what a payload means.
/// </summary>
public static class VarintFrame
{
    /// <summary>The longest length prefix accepted: a 64-bit varint (Go's <c>binary.ReadUvarint</c> accepts the same).</summary>
    public const int MaxPrefixLength = 10;

    /// <summary>The default maximum payload size, 64 MiB: far above any point, large enough for real snapshots.</summary>
    public const long DefaultMaxFrameSize = 64L * 1024 * 1024;

    /// <summary>
    /// Reads one frame from the front of <paramref name="buffer"/>.
    /// </summary>
    /// <param name="buffer">The unread input; on success it is sliced past the frame.</param>
    /// <param name="maxFrameSize">The largest payload accepted, checked as soon as the length is known.</param>
    /// <param name="payload">The payload, a slice of the input (valid until the buffer is advanced).</param>
    /// <returns><see langword="false"/> when the buffer does not yet hold a whole frame.</returns>
    /// <exception cref="FrameException">The prefix overflows, or announces more than <paramref name="maxFrameSize"/> bytes.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, long maxFrameSize, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (!TryReadPrefix(buffer, out var length, out var prefixLength))
        {
            return false;
        }

        if (length > (ulong)maxFrameSize)
        {
            throw FrameException.TooLarge(length, maxFrameSize);
        }

        if (buffer.Length - prefixLength < (long)length)
        {
            return false;
        }

        payload = buffer.Slice(prefixLength, (long)length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>
    /// Explains why input that ended with <paramref name="remainder"/> unread is not a whole number of frames.
    /// </summary>
    /// <param name="remainder">The non-empty bytes left when the input completed.</param>
    /// <returns>The error to report: a truncated prefix or a truncated payload.</returns>
    public static FrameException DescribeTruncation(ReadOnlySequence<byte> remainder)
    {
        if (!TryReadPrefix(remainder, out var length, out var prefixLength))
        {
            return FrameException.TruncatedPrefix(remainder.Length);
        }

        return FrameException.TruncatedPayload(length, remainder.Length - prefixLength);
    }

    /// <summary>Writes <paramref name="message"/> as one frame. No heap allocation beyond what the writer itself does.</summary>
    /// <param name="output">Where the frame goes.</param>
    /// <param name="message">The payload; its <c>CalculateSize</c> is called once.</param>
    /// <returns>The number of bytes written, prefix included.</returns>
    public static int WriteFrame(IBufferWriter<byte> output, IMessage message)
    {
        var size = message.CalculateSize();
        var prefixLength = WritePrefix(output, (ulong)size);
        var span = output.GetSpan(size);
        message.WriteTo(span[..size]);
        output.Advance(size);
        return prefixLength + size;
    }

    /// <summary>Writes an already-encoded payload as one frame.</summary>
    /// <param name="output">Where the frame goes.</param>
    /// <param name="payload">The encoded payload.</param>
    /// <returns>The number of bytes written, prefix included.</returns>
    public static int WriteFrame(IBufferWriter<byte> output, ReadOnlySpan<byte> payload)
    {
        var prefixLength = WritePrefix(output, (ulong)payload.Length);
        output.Write(payload);
        return prefixLength + payload.Length;
    }

    /// <summary>The number of bytes the minimal varint encoding of <paramref name="value"/> takes (1 to 10).</summary>
    /// <param name="value">The value to encode.</param>
    /// <returns>The encoded length in bytes.</returns>
    public static int GetPrefixLength(ulong value) =>
        // Each byte carries 7 bits; zero still takes one byte (hence "| 1").
        (64 - System.Numerics.BitOperations.LeadingZeroCount(value | 1) + 6) / 7;

    /// <summary>Encodes <paramref name="value"/> as a minimal varint.</summary>
    /// <param name="destination">At least <see cref="GetPrefixLength"/> bytes.</param>
    /// <param name="value">The value to encode.</param>
    /// <returns>The number of bytes written.</returns>
    public static int WriteVarint(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>
    /// Reads a length prefix (a varint of at most <see cref="MaxPrefixLength"/> bytes) from the front of
    /// <paramref name="source"/>, for callers that hold frames in spans. Non-minimal encodings are accepted, as Go does.
    /// </summary>
    /// <param name="source">Bytes that start with a length prefix.</param>
    /// <param name="length">The decoded length (not checked against any maximum: the caller's limit applies).</param>
    /// <param name="prefixLength">How many bytes the prefix took.</param>
    /// <returns><see langword="false"/> when <paramref name="source"/> ends inside the prefix.</returns>
    /// <exception cref="FrameException">The prefix is longer than 10 bytes or overflows 64 bits
    /// (<see cref="FrameError.VarintOverflow"/>).</exception>
    public static bool TryReadLength(ReadOnlySpan<byte> source, out ulong length, out int prefixLength)
    {
        length = 0;
        var limit = Math.Min(source.Length, MaxPrefixLength);
        for (var i = 0; i < limit; i++)
        {
            var b = source[i];
            // The tenth byte may only contribute the 64th bit.
            if (i == MaxPrefixLength - 1 && b > 1)
            {
                throw FrameException.VarintOverflow();
            }

            length |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                prefixLength = i + 1;
                return true;
            }
        }

        length = 0;
        prefixLength = 0;
        return false;
    }

    private static int WritePrefix(IBufferWriter<byte> output, ulong length)
    {
        var written = WriteVarint(output.GetSpan(MaxPrefixLength), length);
        output.Advance(written);
        return written;
    }

    // Decodes the prefix without consuming it. A prefix split across segments is copied into
    // at most MaxPrefixLength bytes of stack, never more.
    private static bool TryReadPrefix(in ReadOnlySequence<byte> buffer, out ulong value, out int prefixLength)
    {
        var first = buffer.FirstSpan;
        if (first.Length >= MaxPrefixLength || buffer.IsSingleSegment)
        {
            return TryReadLength(first, out value, out prefixLength);
        }

        Span<byte> scratch = stackalloc byte[MaxPrefixLength];
        var available = (int)Math.Min(buffer.Length, MaxPrefixLength);
        buffer.Slice(0, available).CopyTo(scratch);
        return TryReadLength(scratch[..available], out value, out prefixLength);
    }
}
