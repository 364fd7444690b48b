using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Codec;

/// <summary>
/// Writes Response{point}, {begin} and {end} frames byte for byte as Google.Protobuf would (fields in number order,
/// defaults omitted, map entries in insertion order with default keys/values omitted; docs/protocol.md, "Messages"), without its
/// per-call size recomputation and with strings' UTF-8 cached. Messages carrying unknown fields (only possible when
/// they were parsed from foreign bytes) are declined, and the caller uses Google.Protobuf; so is every message when
/// Google.Protobuf's map internals are not as expected (<see cref="MapFieldAccess"/>). Not thread-safe (used under the
/// writer's lock).
/// </summary>
internal sealed class DataFrameEncoder
{
    private readonly Utf8EncodeCache _utf8 = new();
    private readonly bool _readsMaps;

    /// <summary>An encoder that writes whenever Google.Protobuf's map internals are readable
    /// (<see cref="MapFieldAccess.IsAvailable"/>), and otherwise declines every message.</summary>
    public DataFrameEncoder()
        : this(MapFieldAccess.IsAvailable)
    {
    }

    /// <summary>For tests: <paramref name="readsMaps"/> false takes the fallback (every message declined).</summary>
    internal DataFrameEncoder(bool readsMaps) => _readsMaps = readsMaps;

    /// <summary>Writes one Response{point} frame, or returns -1 to decline.</summary>
    public int TryWritePoint(IBufferWriter<byte> output, Point point) =>
        _readsMaps && UnknownFields.Of(point) is null ? WriteFrame(output, 0x8a, PointSize(point), point, static (e, s, p) => e.WritePoint(s, p)) : -1;

    /// <summary>Writes one Response{begin} frame, or returns -1 to decline.</summary>
    public int TryWriteBegin(IBufferWriter<byte> output, BeginBatch begin) =>
        _readsMaps && UnknownFields.Of(begin) is null ? WriteFrame(output, 0x82, BeginSize(begin), begin, static (e, s, b) => e.WriteBegin(s, b)) : -1;

    /// <summary>Writes one Response{end} frame, or returns -1 to decline.</summary>
    public int TryWriteEnd(IBufferWriter<byte> output, EndBatch end) =>
        _readsMaps && UnknownFields.Of(end) is null ? WriteFrame(output, 0x92, EndSize(end), end, static (e, s, m) => e.WriteEnd(s, m)) : -1;

    // frame = uvarint(payload) payload; payload = oneof tag (2 bytes: field 16-18, wire type 2) uvarint(body) body.
    private int WriteFrame<T>(IBufferWriter<byte> output, byte tagLow, int bodySize, T message, Func<DataFrameEncoder, Span<byte>, T, int> writeBody)
    {
        var payload = 2 + VarintSize((uint)bodySize) + bodySize;
        var total = VarintSize((uint)payload) + payload;
        var span = output.GetSpan(total);
        var pos = VarintFrame.WriteVarint(span, (ulong)payload);
        span[pos++] = tagLow;
        span[pos++] = 0x01;
        pos += VarintFrame.WriteVarint(span[pos..], (ulong)bodySize);
        pos += writeBody(this, span[pos..], message);
        output.Advance(pos);
        return pos;
    }

    private int PointSize(Point p)
    {
        var size = 0;
        if (p.Time != 0)
        {
            size += 1 + VarintSize((ulong)p.Time);
        }

        size += OptionalStringSize(p.Name) + OptionalStringSize(p.Database) + OptionalStringSize(p.RetentionPolicy) + OptionalStringSize(p.Group);
        for (var i = 0; i < p.Dimensions.Count; i++)
        {
            size += 1 + LengthPrefixedSize(StringSize(p.Dimensions[i]));
        }

        size += StringMapSize(p.Tags);
        for (var node = MapFieldAccess<string, double>.Entries(p.FieldsDouble).First; node is not null; node = node.Next)
        {
            size += 1 + LengthPrefixedSize(KeySize(node.Value.Key) + (IsDefault(node.Value.Value) ? 0 : 9));
        }

        for (var node = MapFieldAccess<string, long>.Entries(p.FieldsInt).First; node is not null; node = node.Next)
        {
            var value = node.Value.Value;
            size += 1 + LengthPrefixedSize(KeySize(node.Value.Key) + (value == 0 ? 0 : 1 + VarintSize((ulong)value)));
        }

        size += StringMapSize(p.FieldsString);
        if (p.ByName)
        {
            size += 2;
        }

        for (var node = MapFieldAccess<string, bool>.Entries(p.FieldsBool).First; node is not null; node = node.Next)
        {
            size += 1 + LengthPrefixedSize(KeySize(node.Value.Key) + (node.Value.Value ? 2 : 0));
        }

        return size;
    }

    private int WritePoint(Span<byte> span, Point p)
    {
        var pos = 0;
        if (p.Time != 0)
        {
            span[pos++] = 1 << 3;
            pos += VarintFrame.WriteVarint(span[pos..], (ulong)p.Time);
        }

        pos += WriteOptionalString(span[pos..], 2, p.Name);
        pos += WriteOptionalString(span[pos..], 3, p.Database);
        pos += WriteOptionalString(span[pos..], 4, p.RetentionPolicy);
        pos += WriteOptionalString(span[pos..], 5, p.Group);
        for (var i = 0; i < p.Dimensions.Count; i++)
        {
            pos += WriteString(span[pos..], 6, p.Dimensions[i]);
        }

        pos += WriteStringMap(span[pos..], 7, p.Tags);
        for (var node = MapFieldAccess<string, double>.Entries(p.FieldsDouble).First; node is not null; node = node.Next)
        {
            var (key, value) = node.Value;
            var valueSize = IsDefault(value) ? 0 : 9;
            pos += WriteEntryHeader(span[pos..], 8, key, valueSize);
            if (valueSize != 0)
            {
                span[pos++] = (2 << 3) | 1;
                BinaryPrimitives.WriteDoubleLittleEndian(span[pos..], value);
                pos += 8;
            }
        }

        for (var node = MapFieldAccess<string, long>.Entries(p.FieldsInt).First; node is not null; node = node.Next)
        {
            var (key, value) = node.Value;
            var valueSize = value == 0 ? 0 : 1 + VarintSize((ulong)value);
            pos += WriteEntryHeader(span[pos..], 9, key, valueSize);
            if (valueSize != 0)
            {
                span[pos++] = 2 << 3;
                pos += VarintFrame.WriteVarint(span[pos..], (ulong)value);
            }
        }

        pos += WriteStringMap(span[pos..], 10, p.FieldsString);
        if (p.ByName)
        {
            span[pos++] = 11 << 3;
            span[pos++] = 1;
        }

        for (var node = MapFieldAccess<string, bool>.Entries(p.FieldsBool).First; node is not null; node = node.Next)
        {
            var (key, value) = node.Value;
            pos += WriteEntryHeader(span[pos..], 12, key, value ? 2 : 0);
            if (value)
            {
                span[pos++] = 2 << 3;
                span[pos++] = 1;
            }
        }

        return pos;
    }

    private int BeginSize(BeginBatch b) =>
        OptionalStringSize(b.Name) + OptionalStringSize(b.Group) + StringMapSize(b.Tags)
        + (b.Size != 0 ? 1 + VarintSize((ulong)b.Size) : 0) + (b.ByName ? 2 : 0);

    private int WriteBegin(Span<byte> span, BeginBatch b)
    {
        var pos = WriteOptionalString(span, 1, b.Name);
        pos += WriteOptionalString(span[pos..], 2, b.Group);
        pos += WriteStringMap(span[pos..], 3, b.Tags);
        if (b.Size != 0)
        {
            span[pos++] = 4 << 3;
            pos += VarintFrame.WriteVarint(span[pos..], (ulong)b.Size);
        }

        if (b.ByName)
        {
            span[pos++] = 5 << 3;
            span[pos++] = 1;
        }

        return pos;
    }

    private int EndSize(EndBatch e) =>
        OptionalStringSize(e.Name) + OptionalStringSize(e.Group) + (e.Tmax != 0 ? 1 + VarintSize((ulong)e.Tmax) : 0)
        + StringMapSize(e.Tags) + (e.ByName ? 2 : 0);

    private int WriteEnd(Span<byte> span, EndBatch e)
    {
        var pos = WriteOptionalString(span, 1, e.Name);
        pos += WriteOptionalString(span[pos..], 2, e.Group);
        if (e.Tmax != 0)
        {
            span[pos++] = 3 << 3;
            pos += VarintFrame.WriteVarint(span[pos..], (ulong)e.Tmax);
        }

        pos += WriteStringMap(span[pos..], 4, e.Tags);
        if (e.ByName)
        {
            span[pos++] = 5 << 3;
            span[pos++] = 1;
        }

        return pos;
    }

    // Google.Protobuf compares map values to their default bitwise: -0.0 and NaN are written, +0.0 is not.
    private static bool IsDefault(double value) => BitConverter.DoubleToUInt64Bits(value) == 0;

    private static int VarintSize(ulong value) => VarintFrame.GetPrefixLength(value);

    private static int LengthPrefixedSize(int length) => VarintSize((uint)length) + length;

    private int StringSize(string text) => _utf8.Get(text)?.Length ?? Encoding.UTF8.GetByteCount(text);

    private int OptionalStringSize(string text) => text.Length == 0 ? 0 : 1 + LengthPrefixedSize(StringSize(text));

    private int KeySize(string key) => key.Length == 0 ? 0 : 1 + LengthPrefixedSize(StringSize(key));

    private int StringMapSize(MapField<string, string> map)
    {
        var size = 0;
        for (var node = MapFieldAccess<string, string>.Entries(map).First; node is not null; node = node.Next)
        {
            size += 1 + LengthPrefixedSize(KeySize(node.Value.Key) + KeySize(node.Value.Value));
        }

        return size;
    }

    private int WriteOptionalString(Span<byte> span, int field, string text) => text.Length == 0 ? 0 : WriteString(span, field, text);

    private int WriteString(Span<byte> span, int field, string text)
    {
        span[0] = (byte)((field << 3) | 2);
        var pos = 1;
        if (_utf8.Get(text) is { } utf8)
        {
            pos += VarintFrame.WriteVarint(span[pos..], (ulong)utf8.Length);
            utf8.CopyTo(span[pos..]);
            return pos + utf8.Length;
        }

        var length = Encoding.UTF8.GetByteCount(text);
        pos += VarintFrame.WriteVarint(span[pos..], (ulong)length);
        return pos + Encoding.UTF8.GetBytes(text, span[pos..]);
    }

    private int WriteEntryHeader(Span<byte> span, int field, string key, int valueSize)
    {
        span[0] = (byte)((field << 3) | 2);
        var pos = 1 + VarintFrame.WriteVarint(span[1..], (ulong)(KeySize(key) + valueSize));
        return pos + WriteOptionalString(span[pos..], 1, key);
    }

    private int WriteStringMap(Span<byte> span, int field, MapField<string, string> map)
    {
        var pos = 0;
        for (var node = MapFieldAccess<string, string>.Entries(map).First; node is not null; node = node.Next)
        {
            var (key, value) = node.Value;
            pos += WriteEntryHeader(span[pos..], field, key, KeySize(value));
            pos += WriteOptionalString(span[pos..], 2, value);
        }

        return pos;
    }
}
