using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Simulator.Input;

namespace Kapacitor.Udf.Simulator.Engine;

// Writes the Request{point} frame for a RawPoint straight from the line's bytes: the same bytes Google.Protobuf
// writes for the Point that PointGrouper.ToStreamPoint would build (fields in number order, map entries in input
// order, default values left out), without building it. CanWrite is false where the grouping needs string ordering
// it cannot do on bytes: groupBy('*') with non-ASCII tag keys.
internal sealed class RawPointEncoder
{
    private const int PointTag = (17 << 3) | 2;

    private readonly byte[][] _dimensions;
    private readonly bool _allTags;
    private readonly bool _byName;
    private readonly byte[] _database;
    private readonly byte[] _retentionPolicy;
    private readonly int[] _order = new int[64];
    private byte[] _group = new byte[256];

    public RawPointEncoder(PointGrouper grouper)
    {
        _allTags = grouper.AllTags;
        _dimensions = grouper.Dimensions.Select(Encoding.UTF8.GetBytes).ToArray();
        _byName = grouper.ByMeasurement;
        _database = Encoding.UTF8.GetBytes(grouper.Database);
        _retentionPolicy = Encoding.UTF8.GetBytes(grouper.RetentionPolicy);
    }

    public bool CanWrite(RawPoint point)
    {
        if (!_allTags)
        {
            return true;
        }

        for (var i = 0; i < point.TagCount; i++)
        {
            if (!System.Text.Ascii.IsValid(point.TagKey(i)))
            {
                return false;
            }
        }

        return true;
    }

    public void Write(IBufferWriter<byte> output, RawPoint point)
    {
        var dimensionCount = _allTags ? point.TagCount : _dimensions.Length;
        if (_allTags)
        {
            SortTagKeys(point);
        }

        var group = BuildGroup(point, dimensionCount);
        var database = point.Database.Length > 0 ? point.Database.Span : _database;
        var retentionPolicy = point.RetentionPolicy.Length > 0 ? point.RetentionPolicy.Span : _retentionPolicy;

        var size = (point.Time != 0 ? 1 + VarintSize((ulong)point.Time) : 0)
            + StringSize(point.Name.Length) + StringSize(database.Length) + StringSize(retentionPolicy.Length) + StringSize(group.Length)
            + (_byName ? 2 : 0);
        for (var i = 0; i < dimensionCount; i++)
        {
            size += 1 + LengthSize(Dimension(point, i).Length);
        }

        for (var i = 0; i < point.TagCount; i++)
        {
            size += EntrySize(StringSize(point.TagKey(i).Length) + StringSize(point.TagValue(i).Length));
        }

        for (var i = 0; i < point.FieldCount; i++)
        {
            size += EntrySize(StringSize(point.FieldKey(i).Length) + ValueSize(point, i));
        }

        var request = 2 + LengthSize(size);
        var span = output.GetSpan(VarintFrame.MaxPrefixLength + request);
        var at = VarintFrame.WriteVarint(span, (ulong)request);
        at += VarintFrame.WriteVarint(span[at..], PointTag);
        at += VarintFrame.WriteVarint(span[at..], (ulong)size);
        if (point.Time != 0)
        {
            span[at++] = 1 << 3;
            at += VarintFrame.WriteVarint(span[at..], (ulong)point.Time);
        }

        at = WriteString(span, at, 2, point.Name);
        at = WriteString(span, at, 3, database);
        at = WriteString(span, at, 4, retentionPolicy);
        at = WriteString(span, at, 5, group);
        for (var i = 0; i < dimensionCount; i++)
        {
            at = WriteLength(span, at, 6, Dimension(point, i));
        }

        for (var i = 0; i < point.TagCount; i++)
        {
            at = WriteEntryHeader(span, at, 7, StringSize(point.TagKey(i).Length) + StringSize(point.TagValue(i).Length));
            at = WriteString(span, at, 1, point.TagKey(i));
            at = WriteString(span, at, 2, point.TagValue(i));
        }

        foreach (var (number, kind) in MapsInOrder)
        {
            if (kind is null)
            {
                if (_byName)
                {
                    span[at++] = 11 << 3;
                    span[at++] = 1;
                }

                continue;
            }

            for (var i = 0; i < point.FieldCount; i++)
            {
                if (point.FieldKind(i) == kind)
                {
                    at = WriteEntryHeader(span, at, number, StringSize(point.FieldKey(i).Length) + ValueSize(point, i));
                    at = WriteString(span, at, 1, point.FieldKey(i));
                    at = WriteValue(span, at, point, i);
                }
            }
        }

        output.Advance(at);
    }

    // Fields 8 to 12 in number order: the four field maps, and byName (11) between the string and boolean maps.
    private static readonly (int Number, RawPoint.Kind? Kind)[] MapsInOrder =
        [(8, RawPoint.Kind.Double), (9, RawPoint.Kind.Integer), (10, RawPoint.Kind.String), (11, null), (12, RawPoint.Kind.Boolean)];

    private ReadOnlySpan<byte> Dimension(RawPoint point, int i) => _allTags ? point.TagKey(_order[i]) : _dimensions[i];

    // The group ID as models.ToGroupID builds it (see GroupId.Compute), into a reused buffer.
    private ReadOnlySpan<byte> BuildGroup(RawPoint point, int dimensionCount)
    {
        var length = 0;
        if (dimensionCount == 0)
        {
            return _byName ? point.Name : ReadOnlySpan<byte>.Empty;
        }

        if (_byName)
        {
            Append(point.Name, ref length);
            Append("\n"u8, ref length);
        }

        for (var i = 0; i < dimensionCount; i++)
        {
            if (i != 0)
            {
                Append(","u8, ref length);
            }

            var key = Dimension(point, i);
            Append(key, ref length);
            Append("="u8, ref length);
            Append(_allTags ? point.TagValue(_order[i]) : TagValue(point, key), ref length);
        }

        return _group.AsSpan(0, length);
    }

    private void Append(ReadOnlySpan<byte> bytes, ref int length)
    {
        if (length + bytes.Length > _group.Length)
        {
            Array.Resize(ref _group, Math.Max(2 * _group.Length, length + bytes.Length));
        }

        bytes.CopyTo(_group.AsSpan(length));
        length += bytes.Length;
    }

    private static ReadOnlySpan<byte> TagValue(RawPoint point, ReadOnlySpan<byte> key)
    {
        for (var i = 0; i < point.TagCount; i++)
        {
            if (point.TagKey(i).SequenceEqual(key))
            {
                return point.TagValue(i);
            }
        }

        return ReadOnlySpan<byte>.Empty;
    }

    // groupBy('*'): the point's tag keys in ordinal order (on bytes the same as on strings for ASCII, see CanWrite).
    private void SortTagKeys(RawPoint point)
    {
        for (var i = 0; i < point.TagCount; i++)
        {
            var j = i;
            for (; j > 0 && point.TagKey(_order[j - 1]).SequenceCompareTo(point.TagKey(i)) > 0; j--)
            {
                _order[j] = _order[j - 1];
            }

            _order[j] = i;
        }
    }

    // Map values are left out when they are the default, as Google.Protobuf leaves them out (+0.0, but not -0.0).
    private static int ValueSize(RawPoint point, int i) => point.FieldKind(i) switch
    {
        RawPoint.Kind.Double => IsPositiveZero(point.FieldDouble(i)) ? 0 : 9,
        RawPoint.Kind.Integer => point.FieldInteger(i) == 0 ? 0 : 1 + VarintSize((ulong)point.FieldInteger(i)),
        RawPoint.Kind.String => StringSize(point.FieldString(i).Length),
        _ => point.FieldBoolean(i) ? 2 : 0,
    };

    private static int WriteValue(Span<byte> span, int at, RawPoint point, int i)
    {
        switch (point.FieldKind(i))
        {
            case RawPoint.Kind.Double when !IsPositiveZero(point.FieldDouble(i)):
                span[at++] = (2 << 3) | 1;
                BinaryPrimitives.WriteDoubleLittleEndian(span[at..], point.FieldDouble(i));
                return at + 8;
            case RawPoint.Kind.Integer when point.FieldInteger(i) != 0:
                span[at++] = 2 << 3;
                return at + VarintFrame.WriteVarint(span[at..], (ulong)point.FieldInteger(i));
            case RawPoint.Kind.String:
                return WriteString(span, at, 2, point.FieldString(i));
            case RawPoint.Kind.Boolean when point.FieldBoolean(i):
                span[at++] = 2 << 3;
                span[at++] = 1;
                return at;
            default:
                return at;
        }
    }

    private static int WriteString(Span<byte> span, int at, int number, ReadOnlySpan<byte> value) =>
        value.IsEmpty ? at : WriteLength(span, at, number, value);

    private static int WriteLength(Span<byte> span, int at, int number, ReadOnlySpan<byte> value)
    {
        span[at++] = (byte)((number << 3) | 2);
        at += VarintFrame.WriteVarint(span[at..], (ulong)value.Length);
        value.CopyTo(span[at..]);
        return at + value.Length;
    }

    private static int WriteEntryHeader(Span<byte> span, int at, int number, int entrySize)
    {
        span[at++] = (byte)((number << 3) | 2);
        return at + VarintFrame.WriteVarint(span[at..], (ulong)entrySize);
    }

    private static bool IsPositiveZero(double value) => BitConverter.DoubleToInt64Bits(value) == 0;

    private static int StringSize(int length) => length == 0 ? 0 : 1 + LengthSize(length);

    private static int LengthSize(int length) => VarintSize((ulong)length) + length;

    private static int EntrySize(int entry) => 1 + LengthSize(entry);

    private static int VarintSize(ulong value) => VarintFrame.GetPrefixLength(value);
}
