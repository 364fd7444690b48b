using Google.Protobuf.Collections;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Codec;

/// <summary>What <see cref="DataFrameDecoder.TryDecode"/> made of a payload.</summary>
internal enum DecodeStatus
{
    /// <summary>The request holds the decoded point, begin or end, exactly as Google.Protobuf would have built it.</summary>
    Decoded,

    /// <summary>Not a plain data frame (a management request, an unknown field, a wrong wire type, anything
    /// malformed): parse it with Google.Protobuf, which also produces the error text for broken input.</summary>
    NotHandled,

    /// <summary>A string field is not valid UTF-8: <see cref="DataFrameDecoder.InvalidField"/> names it.</summary>
    InvalidUtf8,
}

/// <summary>
/// Decodes the hot messages (Request{point}, {begin}, {end}) straight from the frame's bytes, with repeating strings
/// interned. It accepts only what it can decode exactly as Google.Protobuf does — fields in any order, repeated
/// singular fields (last wins), map entries missing key or value, duplicate map keys (last value wins, first
/// position kept) — and declines everything else, so the result is always identical to Google.Protobuf's.
/// One per connection; not thread-safe.
/// </summary>
internal sealed class DataFrameDecoder
{
    private const uint PointTag = (17 << 3) | 2;
    private const uint BeginTag = (16 << 3) | 2;
    private const uint EndTag = (18 << 3) | 2;

    private readonly Utf8StringCache _strings = new();
    private readonly MapNodePool<string, string> _stringEntries = new();
    private readonly MapNodePool<string, double> _doubleEntries = new();
    private readonly MapNodePool<string, long> _longEntries = new();
    private readonly MapNodePool<string, bool> _boolEntries = new();

    /// <summary>The string field that failed UTF-8 validation, e.g. <c>point.tags (key)</c>.</summary>
    public string? InvalidField { get; private set; }

    /// <summary>Decodes <paramref name="payload"/> into <paramref name="request"/>, reusing its Point (cleared) when it
    /// holds one. On anything but <see cref="DecodeStatus.Decoded"/> the request's contents are unspecified.</summary>
    public DecodeStatus TryDecode(ReadOnlySpan<byte> payload, Request request)
    {
        var reader = new WireReader(payload);
        if (!reader.TryReadTag(out var tag)
            || tag is not (PointTag or BeginTag or EndTag)
            || !reader.TryReadLengthDelimited(out var body)
            || !reader.End)
        {
            return DecodeStatus.NotHandled;
        }

        switch (tag)
        {
            case PointTag:
                var point = request.MessageCase == Request.MessageOneofCase.Point ? request.Point : new Point();
                Clear(point);
                var status = DecodePoint(body, point);
                request.Point = point;
                return status;
            case BeginTag:
                var begin = new BeginBatch();
                request.Begin = begin;
                status = DecodeEdge(body, BeginLayout, begin.Tags, out var edge);
                (begin.Name, begin.Group, begin.Size, begin.ByName) = (edge.Name, edge.Group, (long)edge.Number, edge.ByName);
                return status;
            default:
                var end = new EndBatch();
                request.End = end;
                status = DecodeEdge(body, EndLayout, end.Tags, out edge);
                (end.Name, end.Group, end.Tmax, end.ByName) = (edge.Name, edge.Group, (long)edge.Number, edge.ByName);
                return status;
        }
    }

    private void Clear(Point point)
    {
        point.Time = 0;
        point.Name = "";
        point.Database = "";
        point.RetentionPolicy = "";
        point.Group = "";
        point.Dimensions.Clear();
        _stringEntries.Clear(point.Tags);
        _doubleEntries.Clear(point.FieldsDouble);
        _longEntries.Clear(point.FieldsInt);
        _stringEntries.Clear(point.FieldsString);
        point.ByName = false;
        _boolEntries.Clear(point.FieldsBool);
    }

    // Begin and end share DecodeEdge below.
    private DecodeStatus DecodePoint(ReadOnlySpan<byte> body, Point point)
    {
        var reader = new WireReader(body);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var tag))
            {
                return DecodeStatus.NotHandled;
            }

            var status = DecodePointField(ref reader, tag, point);
            if (status != DecodeStatus.Decoded)
            {
                return status;
            }
        }

        return DecodeStatus.Decoded;
    }

    // Point fields 2-6 are strings, each stored its own way; numbered in the table from field 2.
    private static readonly (string Field, Action<Point, string> Store)[] PointStrings =
    [
        ("point.name", static (point, text) => point.Name = text),
        ("point.database", static (point, text) => point.Database = text),
        ("point.retentionPolicy", static (point, text) => point.RetentionPolicy = text),
        ("point.group", static (point, text) => point.Group = text),
        ("point.dimensions", static (point, text) => point.Dimensions.Add(text)),
    ];

    // One field of a point; NotHandled for a field or wire type a point does not have, or bytes that end too soon.
    private DecodeStatus DecodePointField(ref WireReader reader, uint tag, Point point)
    {
        DecodeStatus status;
        ulong number;
        switch (tag)
        {
            case (1 << 3) | 0:
                status = Varint(ref reader, out number);
                point.Time = (long)number;
                return status;
            case (2 << 3) | 2 or (3 << 3) | 2 or (4 << 3) | 2 or (5 << 3) | 2 or (6 << 3) | 2:
                var (field, store) = PointStrings[(tag >> 3) - 2];
                status = ReadString(ref reader, field, out var text);
                if (status == DecodeStatus.Decoded)
                {
                    store(point, text);
                }

                return status;
            case (7 << 3) | 2:
                return ReadStringEntry(ref reader, point.Tags, "point.tags", _stringEntries);
            case (8 << 3) | 2:
                return ReadNumberEntry(ref reader, EntryValue.Fixed64, "point.fieldsDouble", point.FieldsDouble, _doubleEntries, BitConverter.UInt64BitsToDouble);
            case (9 << 3) | 2:
                return ReadNumberEntry(ref reader, EntryValue.Varint, "point.fieldsInt", point.FieldsInt, _longEntries, static bits => (long)bits);
            case (10 << 3) | 2:
                return ReadStringEntry(ref reader, point.FieldsString, "point.fieldsString", _stringEntries);
            case (11 << 3) | 0:
                status = Varint(ref reader, out number);
                point.ByName = number != 0;
                return status;
            case (12 << 3) | 2:
                return ReadNumberEntry(ref reader, EntryValue.Varint, "point.fieldsBool", point.FieldsBool, _boolEntries, static bits => bits != 0);
            default:
                return DecodeStatus.NotHandled;
        }
    }

    // BeginBatch and EndBatch are one shape: name = 1, group = 2, byName = 5, and the tags and a number (begin.size,
    // end.tmax) at 3 and 4, in opposite order. One loop reads either into an Edge; the caller copies it over.
    private sealed record EdgeLayout(uint TagsTag, uint NumberTag, string Name, string Group, string Tags);

    private static readonly EdgeLayout BeginLayout = new((3 << 3) | 2, (4 << 3) | 0, "begin.name", "begin.group", "begin.tags");
    private static readonly EdgeLayout EndLayout = new((4 << 3) | 2, (3 << 3) | 0, "end.name", "end.group", "end.tags");

    private struct Edge
    {
        public string Name;
        public string Group;
        public ulong Number;
        public bool ByName;
    }

    private DecodeStatus DecodeEdge(ReadOnlySpan<byte> body, EdgeLayout layout, MapField<string, string> tags, out Edge edge)
    {
        edge = new Edge { Name = "", Group = "" };
        var reader = new WireReader(body);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var tag))
            {
                return DecodeStatus.NotHandled;
            }

            var status = DecodeStatus.NotHandled;
            if (tag == ((1 << 3) | 2))
            {
                status = ReadString(ref reader, layout.Name, out edge.Name);
            }
            else if (tag == ((2 << 3) | 2))
            {
                status = ReadString(ref reader, layout.Group, out edge.Group);
            }
            else if (tag == layout.TagsTag)
            {
                status = ReadStringEntry(ref reader, tags, layout.Tags);
            }
            else if (tag == layout.NumberTag)
            {
                status = Varint(ref reader, out edge.Number);
            }
            else if (tag == ((5 << 3) | 0))
            {
                status = Varint(ref reader, out var byName);
                edge.ByName = byName != 0;
            }

            if (status != DecodeStatus.Decoded)
            {
                return status;
            }
        }

        return DecodeStatus.Decoded;
    }

    private static DecodeStatus Varint(ref WireReader reader, out ulong value) =>
        reader.TryReadVarint(out value) ? DecodeStatus.Decoded : DecodeStatus.NotHandled;

    // On failure text is "" (never assigned to a message: the caller returns the status and the request is dropped).
    // part ("key", "value") names a map entry's half in the error, built only then: no string per entry.
    private DecodeStatus ReadString(ref WireReader reader, string field, out string text, string? part = null)
    {
        text = "";
        if (!reader.TryReadLengthDelimited(out var utf8))
        {
            return DecodeStatus.NotHandled;
        }

        var value = _strings.GetString(utf8);
        if (value is null)
        {
            InvalidField = part is null ? field : $"{field} ({part})";
            return DecodeStatus.InvalidUtf8;
        }

        text = value;
        return DecodeStatus.Decoded;
    }

    // A point's maps take their entries through the decoder's node pools; a new begin's or end's tags need none.
    private DecodeStatus ReadStringEntry(ref WireReader reader, MapField<string, string> map, string field, MapNodePool<string, string>? pool = null)
    {
        var status = ReadEntry(ref reader, EntryValue.String, field, out var key, out _, out var value);
        if (status != DecodeStatus.Decoded)
        {
            return status;
        }

        if (pool is null)
        {
            map[key] = value;
        }
        else
        {
            pool.Set(map, key, value);
        }

        return status;
    }

    // A point's numeric maps: the entry's value arrives as raw bits (a varint or a fixed64) and is converted to T.
    private DecodeStatus ReadNumberEntry<T>(ref WireReader reader, EntryValue valueType, string field, MapField<string, T> map, MapNodePool<string, T> pool, Func<ulong, T> convert)
    {
        var status = ReadEntry(ref reader, valueType, field, out var key, out var bits, out _);
        if (status == DecodeStatus.Decoded)
        {
            pool.Set(map, key, convert(bits));
        }

        return status;
    }

    private enum EntryValue : uint
    {
        Varint = (2 << 3) | 0,
        Fixed64 = (2 << 3) | 1,
        String = (2 << 3) | 2,
    }

    // A map entry is a small message: key = 1 (a string here), value = 2 of the map's wire type; either may be absent
    // (then the type's default) and a repeated one wins last, as in Google.Protobuf. The value comes back as text for
    // strings, as raw bits for the others.
    private DecodeStatus ReadEntry(ref WireReader reader, EntryValue valueType, string field, out string key, out ulong number, out string text)
    {
        key = "";
        number = 0;
        text = "";
        if (!reader.TryReadLengthDelimited(out var entryBytes))
        {
            return DecodeStatus.NotHandled;
        }

        var entry = new WireReader(entryBytes);
        while (!entry.End)
        {
            if (!entry.TryReadTag(out var tag))
            {
                return DecodeStatus.NotHandled;
            }

            var status = tag switch
            {
                (1 << 3) | 2 => ReadString(ref entry, field, out key, "key"),
                _ when tag != (uint)valueType => DecodeStatus.NotHandled,
                (uint)EntryValue.String => ReadString(ref entry, field, out text, "value"),
                (uint)EntryValue.Fixed64 => entry.TryReadFixed64(out number) ? DecodeStatus.Decoded : DecodeStatus.NotHandled,
                _ => Varint(ref entry, out number),
            };
            if (status != DecodeStatus.Decoded)
            {
                return status;
            }
        }

        return DecodeStatus.Decoded;
    }
}
