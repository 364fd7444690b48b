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
                return DecodeBegin(body, begin);
            default:
                var end = new EndBatch();
                request.End = end;
                return DecodeEnd(body, end);
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

    private DecodeStatus DecodePoint(ReadOnlySpan<byte> body, Point point)
    {
        var reader = new WireReader(body);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var tag))
            {
                return DecodeStatus.NotHandled;
            }

            string? text;
            var status = DecodeStatus.Decoded;
            switch (tag)
            {
                case (1 << 3) | 0:
                    if (!reader.TryReadVarint(out var time))
                    {
                        return DecodeStatus.NotHandled;
                    }

                    point.Time = (long)time;
                    break;
                case (2 << 3) | 2:
                    status = ReadString(ref reader, "point.name", out text);
                    point.Name = text ?? "";
                    break;
                case (3 << 3) | 2:
                    status = ReadString(ref reader, "point.database", out text);
                    point.Database = text ?? "";
                    break;
                case (4 << 3) | 2:
                    status = ReadString(ref reader, "point.retentionPolicy", out text);
                    point.RetentionPolicy = text ?? "";
                    break;
                case (5 << 3) | 2:
                    status = ReadString(ref reader, "point.group", out text);
                    point.Group = text ?? "";
                    break;
                case (6 << 3) | 2:
                    status = ReadString(ref reader, "point.dimensions", out text);
                    if (text is not null)
                    {
                        point.Dimensions.Add(text);
                    }

                    break;
                case (7 << 3) | 2:
                    status = ReadStringEntry(ref reader, point.Tags, _stringEntries, "point.tags (key)", "point.tags (value)");
                    break;
                case (8 << 3) | 2:
                    status = ReadDoubleEntry(ref reader, point.FieldsDouble);
                    break;
                case (9 << 3) | 2:
                    status = ReadVarintEntry(ref reader, point.FieldsInt, null, "point.fieldsInt (key)");
                    break;
                case (10 << 3) | 2:
                    status = ReadStringEntry(ref reader, point.FieldsString, _stringEntries, "point.fieldsString (key)", "point.fieldsString (value)");
                    break;
                case (11 << 3) | 0:
                    if (!reader.TryReadVarint(out var byName))
                    {
                        return DecodeStatus.NotHandled;
                    }

                    point.ByName = byName != 0;
                    break;
                case (12 << 3) | 2:
                    status = ReadVarintEntry(ref reader, null, point.FieldsBool, "point.fieldsBool (key)");
                    break;
                default:
                    return DecodeStatus.NotHandled;
            }

            if (status != DecodeStatus.Decoded)
            {
                return status;
            }
        }

        return DecodeStatus.Decoded;
    }

    private DecodeStatus DecodeBegin(ReadOnlySpan<byte> body, BeginBatch begin)
    {
        var reader = new WireReader(body);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var tag))
            {
                return DecodeStatus.NotHandled;
            }

            string? text;
            var status = DecodeStatus.Decoded;
            switch (tag)
            {
                case (1 << 3) | 2:
                    status = ReadString(ref reader, "begin.name", out text);
                    begin.Name = text ?? "";
                    break;
                case (2 << 3) | 2:
                    status = ReadString(ref reader, "begin.group", out text);
                    begin.Group = text ?? "";
                    break;
                case (3 << 3) | 2:
                    status = ReadStringEntry(ref reader, begin.Tags, null, "begin.tags (key)", "begin.tags (value)");
                    break;
                case (4 << 3) | 0:
                    if (!reader.TryReadVarint(out var size))
                    {
                        return DecodeStatus.NotHandled;
                    }

                    begin.Size = (long)size;
                    break;
                case (5 << 3) | 0:
                    if (!reader.TryReadVarint(out var byName))
                    {
                        return DecodeStatus.NotHandled;
                    }

                    begin.ByName = byName != 0;
                    break;
                default:
                    return DecodeStatus.NotHandled;
            }

            if (status != DecodeStatus.Decoded)
            {
                return status;
            }
        }

        return DecodeStatus.Decoded;
    }

    private DecodeStatus DecodeEnd(ReadOnlySpan<byte> body, EndBatch end)
    {
        var reader = new WireReader(body);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var tag))
            {
                return DecodeStatus.NotHandled;
            }

            string? text;
            var status = DecodeStatus.Decoded;
            switch (tag)
            {
                case (1 << 3) | 2:
                    status = ReadString(ref reader, "end.name", out text);
                    end.Name = text ?? "";
                    break;
                case (2 << 3) | 2:
                    status = ReadString(ref reader, "end.group", out text);
                    end.Group = text ?? "";
                    break;
                case (3 << 3) | 0:
                    if (!reader.TryReadVarint(out var tmax))
                    {
                        return DecodeStatus.NotHandled;
                    }

                    end.Tmax = (long)tmax;
                    break;
                case (4 << 3) | 2:
                    status = ReadStringEntry(ref reader, end.Tags, null, "end.tags (key)", "end.tags (value)");
                    break;
                case (5 << 3) | 0:
                    if (!reader.TryReadVarint(out var byName))
                    {
                        return DecodeStatus.NotHandled;
                    }

                    end.ByName = byName != 0;
                    break;
                default:
                    return DecodeStatus.NotHandled;
            }

            if (status != DecodeStatus.Decoded)
            {
                return status;
            }
        }

        return DecodeStatus.Decoded;
    }

    private DecodeStatus ReadString(ref WireReader reader, string field, out string? value)
    {
        value = null;
        if (!reader.TryReadLengthDelimited(out var utf8))
        {
            return DecodeStatus.NotHandled;
        }

        value = _strings.GetString(utf8);
        if (value is null)
        {
            InvalidField = field;
            return DecodeStatus.InvalidUtf8;
        }

        return DecodeStatus.Decoded;
    }

    // A map entry is a small message: key = 1, value = 2, either may be absent (then the type's default).
    // A point's maps take their entries through the decoder's node pools; a new begin's or end's tags need none.
    private DecodeStatus ReadStringEntry(ref WireReader reader, MapField<string, string> map, MapNodePool<string, string>? pool, string keyField, string valueField)
    {
        if (!reader.TryReadLengthDelimited(out var entryBytes))
        {
            return DecodeStatus.NotHandled;
        }

        var entry = new WireReader(entryBytes);
        string key = "", value = "";
        while (!entry.End)
        {
            if (!entry.TryReadTag(out var tag))
            {
                return DecodeStatus.NotHandled;
            }

            DecodeStatus status;
            string? text;
            switch (tag)
            {
                case (1 << 3) | 2:
                    status = ReadString(ref entry, keyField, out text);
                    key = text ?? "";
                    break;
                case (2 << 3) | 2:
                    status = ReadString(ref entry, valueField, out text);
                    value = text ?? "";
                    break;
                default:
                    return DecodeStatus.NotHandled;
            }

            if (status != DecodeStatus.Decoded)
            {
                return status;
            }
        }

        if (pool is null)
        {
            map[key] = value;
        }
        else
        {
            pool.Set(map, key, value);
        }

        return DecodeStatus.Decoded;
    }

    private DecodeStatus ReadDoubleEntry(ref WireReader reader, MapField<string, double> map)
    {
        if (!reader.TryReadLengthDelimited(out var entryBytes))
        {
            return DecodeStatus.NotHandled;
        }

        var entry = new WireReader(entryBytes);
        var key = "";
        var value = 0d;
        while (!entry.End)
        {
            if (!entry.TryReadTag(out var tag))
            {
                return DecodeStatus.NotHandled;
            }

            switch (tag)
            {
                case (1 << 3) | 2:
                    var status = ReadString(ref entry, "point.fieldsDouble (key)", out var text);
                    if (status != DecodeStatus.Decoded)
                    {
                        return status;
                    }

                    key = text!;
                    break;
                case (2 << 3) | 1:
                    if (!entry.TryReadFixed64(out var bits))
                    {
                        return DecodeStatus.NotHandled;
                    }

                    value = BitConverter.UInt64BitsToDouble(bits);
                    break;
                default:
                    return DecodeStatus.NotHandled;
            }
        }

        _doubleEntries.Set(map, key, value);
        return DecodeStatus.Decoded;
    }

    // fieldsInt (int64) and fieldsBool share the varint value encoding; exactly one map is given.
    private DecodeStatus ReadVarintEntry(ref WireReader reader, MapField<string, long>? ints, MapField<string, bool>? bools, string keyField)
    {
        if (!reader.TryReadLengthDelimited(out var entryBytes))
        {
            return DecodeStatus.NotHandled;
        }

        var entry = new WireReader(entryBytes);
        var key = "";
        ulong value = 0;
        while (!entry.End)
        {
            if (!entry.TryReadTag(out var tag))
            {
                return DecodeStatus.NotHandled;
            }

            switch (tag)
            {
                case (1 << 3) | 2:
                    var status = ReadString(ref entry, keyField, out var text);
                    if (status != DecodeStatus.Decoded)
                    {
                        return status;
                    }

                    key = text!;
                    break;
                case (2 << 3) | 0:
                    if (!entry.TryReadVarint(out value))
                    {
                        return DecodeStatus.NotHandled;
                    }

                    break;
                default:
                    return DecodeStatus.NotHandled;
            }
        }

        if (ints is not null)
        {
            _longEntries.Set(ints, key, (long)value);
        }
        else
        {
            _boolEntries.Set(bools!, key, value != 0);
        }

        return DecodeStatus.Decoded;
    }
}
