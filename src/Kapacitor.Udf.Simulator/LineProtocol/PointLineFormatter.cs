using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Unicode;

namespace Kapacitor.Udf.Simulator.LineProtocol;

// The fast path of `--format lp`: an encoded Point message written as a line of line protocol without decoding it
// into a Point first. It writes exactly what LineProtocolWriter.Format writes (tags by key, fields by type then key,
// the same escapes and number forms) and declines (false, nothing written) whatever it cannot be sure to write the
// same way: no name or no fields, a duplicate map key, unknown fields, invalid UTF-8, keys beyond U+DFFF (UTF-8 and
// UTF-16 order them differently), numbers that .NET writes with an exponent, NaN or infinities.
internal static class PointLineFormatter
{
    private const int MaxEntries = 64;

    public static bool TryFormat(ReadOnlySpan<byte> message, IBufferWriter<byte> output)
    {
        Span<Entry> entries = stackalloc Entry[MaxEntries];
        var count = 0;
        var name = default(Range);
        long time = 0;
        var reader = new Reader(message);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var number, out var wireType))
            {
                return false;
            }

            switch (number, wireType)
            {
                case (1, 0):
                    if (!reader.TryReadVarint(out var value))
                    {
                        return false;
                    }

                    time = (long)value;
                    break;
                case (2, 2):
                    if (!reader.TryReadBytes(out name))
                    {
                        return false;
                    }

                    break;
                case (3 or 4 or 5 or 6, 2):
                    if (!reader.TryReadBytes(out var text) || !Utf8.IsValid(message[text]))
                    {
                        return false;
                    }

                    break;
                case (11, 0):
                    if (!reader.TryReadVarint(out _))
                    {
                        return false;
                    }

                    break;
                case (7 or 8 or 9 or 10 or 12, 2):
                    if (count == MaxEntries || !reader.TryReadBytes(out var body) || !TryReadEntry(message, body, (Kind)number, out entries[count]))
                    {
                        return false;
                    }

                    count++;
                    break;
                default:
                    return false;
            }
        }

        entries = entries[..count];
        Sort(message, entries);
        if (message[name].IsEmpty || !Utf8.IsValid(message[name]) || !HasField(entries) || HasDuplicateKey(message, entries))
        {
            return false;
        }

        var span = output.GetSpan((3 * message.Length) + 64);
        var at = Escape(message[name], span, ", "u8);
        foreach (var entry in entries)
        {
            if (entry.Kind == Kind.Tag && entry.Value.End.Value > entry.Value.Start.Value)
            {
                span[at++] = (byte)',';
                at += Escape(message[entry.Key], span[at..], ",= "u8);
                span[at++] = (byte)'=';
                at += Escape(message[entry.Value], span[at..], ",= "u8);
            }
        }

        var first = true;
        foreach (var entry in entries)
        {
            if (entry.Kind == Kind.Tag)
            {
                continue;
            }

            span[at++] = first ? (byte)' ' : (byte)',';
            first = false;
            at += Escape(message[entry.Key], span[at..], ",= "u8);
            span[at++] = (byte)'=';
            if (!TryWriteValue(message, entry, span, ref at))
            {
                return false;
            }
        }

        span[at++] = (byte)' ';
        time.TryFormat(span[at..], out var written, provider: CultureInfo.InvariantCulture);
        at += written;
        span[at++] = (byte)'\n';
        output.Advance(at);
        return true;
    }

    private static bool TryWriteValue(ReadOnlySpan<byte> message, Entry entry, Span<byte> span, ref int at)
    {
        int written;
        switch (entry.Kind)
        {
            case Kind.Double:
                var number = BitConverter.Int64BitsToDouble(entry.Bits);
                if (!double.IsFinite(number) || !number.TryFormat(span[at..], out written, "R", CultureInfo.InvariantCulture)
                    || span.Slice(at, written).Contains((byte)'E'))
                {
                    return false;
                }

                at += written;
                return true;
            case Kind.Integer:
                entry.Bits.TryFormat(span[at..], out written, provider: CultureInfo.InvariantCulture);
                at += written;
                span[at++] = (byte)'i';
                return true;
            case Kind.String:
                span[at++] = (byte)'"';
                at += Escape(message[entry.Value], span[at..], "\"\\"u8);
                span[at++] = (byte)'"';
                return true;
            default:
                var text = entry.Bits != 0 ? "true"u8 : "false"u8;
                text.CopyTo(span[at..]);
                at += text.Length;
                return true;
        }
    }

    // One map entry: key (1) and value (2), either may be missing (then the default), in any order, last one wins.
    private static bool TryReadEntry(ReadOnlySpan<byte> message, Range body, Kind kind, out Entry entry)
    {
        entry = new Entry { Kind = kind, Key = body.Start..body.Start, Value = body.Start..body.Start };
        var (offset, _) = body.GetOffsetAndLength(message.Length);
        var reader = new Reader(message[body], offset);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var number, out var wireType))
            {
                return false;
            }

            var ok = (number, wireType, kind) switch
            {
                (1, 2, _) => reader.TryReadBytes(out entry.Key),
                (2, 2, Kind.Tag or Kind.String) => reader.TryReadBytes(out entry.Value),
                (2, 1, Kind.Double) => reader.TryReadFixed64(out entry.Bits),
                (2, 0, Kind.Integer or Kind.Boolean) => reader.TryReadVarint(out var value) && Assign(out entry.Bits, (long)value),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        var key = message[entry.Key];
        return Utf8.IsValid(key) && !key.ContainsAnyInRange((byte)0xEE, (byte)0xFF)
            && (kind is not (Kind.Tag or Kind.String) || Utf8.IsValid(message[entry.Value]));
    }

    private static bool Assign(out long target, long value)
    {
        target = value;
        return true;
    }

    // Insertion sort: a handful of entries, compared by kind, then key bytes.
    private static void Sort(ReadOnlySpan<byte> message, Span<Entry> entries)
    {
        for (var i = 1; i < entries.Length; i++)
        {
            var entry = entries[i];
            var j = i;
            for (; j > 0 && Compare(message, entries[j - 1], entry) > 0; j--)
            {
                entries[j] = entries[j - 1];
            }

            entries[j] = entry;
        }
    }

    private static int Compare(ReadOnlySpan<byte> message, Entry x, Entry y) =>
        x.Kind != y.Kind ? x.Kind.CompareTo(y.Kind) : message[x.Key].SequenceCompareTo(message[y.Key]);

    private static bool HasField(ReadOnlySpan<Entry> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.Kind != Kind.Tag)
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasDuplicateKey(ReadOnlySpan<byte> message, ReadOnlySpan<Entry> sorted)
    {
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Kind == sorted[i - 1].Kind && message[sorted[i].Key].SequenceEqual(message[sorted[i - 1].Key]))
            {
                return true;
            }
        }

        return false;
    }

    private static int Escape(ReadOnlySpan<byte> text, Span<byte> destination, ReadOnlySpan<byte> special)
    {
        var at = 0;
        foreach (var b in text)
        {
            if (special.Contains(b))
            {
                destination[at++] = (byte)'\\';
            }

            destination[at++] = b;
        }

        return at;
    }

    // In LineProtocolWriter's order: tags first, then doubles, integers, strings, booleans; each by key.
    private enum Kind
    {
        Tag = 7,
        Double = 8,
        Integer = 9,
        String = 10,
        Boolean = 12,
    }

    private struct Entry
    {
        public Kind Kind;
        public Range Key;
        public Range Value;
        public long Bits;
    }

    private ref struct Reader(ReadOnlySpan<byte> buffer, int offset = 0)
    {
        private readonly ReadOnlySpan<byte> _buffer = buffer;
        private int _position;

        public readonly bool End => _position >= _buffer.Length;

        public bool TryReadTag(out int number, out int wireType)
        {
            var ok = TryReadVarint(out var tag) && tag is > 7 and < int.MaxValue;
            number = (int)(tag >> 3);
            wireType = (int)(tag & 7);
            return ok;
        }

        public bool TryReadVarint(out ulong value)
        {
            value = 0;
            for (var shift = 0; shift < 64 && _position < _buffer.Length; shift += 7)
            {
                var b = _buffer[_position++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return true;
                }
            }

            return false;
        }

        public bool TryReadFixed64(out long value)
        {
            value = 0;
            if (_buffer.Length - _position < 8)
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt64LittleEndian(_buffer[_position..]);
            _position += 8;
            return true;
        }

        // The bytes of a length-delimited field, as a range of the whole message.
        public bool TryReadBytes(out Range range)
        {
            range = default;
            if (!TryReadVarint(out var length) || length > (ulong)(_buffer.Length - _position))
            {
                return false;
            }

            range = (offset + _position)..(offset + _position + (int)length);
            _position += (int)length;
            return true;
        }
    }
}
