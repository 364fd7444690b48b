using System.Buffers.Binary;

namespace Kapacitor.Udf.Codec;

/// <summary>
/// Reads protobuf wire primitives from a span. Every method returns <see langword="false"/> on anything malformed or
/// unusual; the caller then hands the whole message to Google.Protobuf, so error texts and edge cases stay its own.
/// </summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public WireReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly bool End => _position >= _buffer.Length;

    public readonly int Remaining => _buffer.Length - _position;

    public bool TryReadVarint(out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _buffer.Length)
            {
                return false;
            }

            var b = _buffer[_position++];
            // The tenth byte may only carry the 64th bit; Google.Protobuf would drop the rest silently, we bail.
            if (shift == 63 && b > 1)
            {
                return false;
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    public bool TryReadTag(out uint tag)
    {
        // Tags fit in 32 bits; field number 0 is invalid (Google.Protobuf throws on it).
        if (!TryReadVarint(out var value) || value > uint.MaxValue || value >> 3 == 0)
        {
            tag = 0;
            return false;
        }

        tag = (uint)value;
        return true;
    }

    public bool TryReadFixed64(out ulong value)
    {
        if (Remaining < 8)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.Slice(_position, 8));
        _position += 8;
        return true;
    }

    public bool TryReadLengthDelimited(out ReadOnlySpan<byte> bytes)
    {
        if (!TryReadVarint(out var length) || length > (ulong)Remaining)
        {
            bytes = default;
            return false;
        }

        bytes = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        return true;
    }
}
