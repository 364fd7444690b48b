using System.Buffers;
using System.Text.Unicode;

namespace Kapacitor.Udf.Codec;

/// <summary>
/// Finds a string field holding invalid UTF-8 in an encoded Request, by walking the wire format with the schema of
/// udf.proto. Google.Protobuf would silently turn such bytes into U+FFFD, inventing data; Go's protobuf (Kapacitor's)
/// rejects them, so Kapacitor never sends them and we refuse them too. Anything malformed is left alone: the parse
/// that follows reports it.
/// </summary>
internal static class Utf8Validator
{
    /// <summary>The path of the first invalid string field (e.g. <c>init.options.name</c>), or <see langword="null"/>.</summary>
    public static string? FindInvalidString(ReadOnlySequence<byte> payload) => Walk(payload, Schema.Request);

    private static string? Walk(ReadOnlySequence<byte> message, Schema schema)
    {
        var reader = new SequenceReader<byte>(message);
        while (!reader.End)
        {
            if (!TryReadVarint(ref reader, out var tag))
            {
                return null;
            }

            var skipped = (tag & 7) switch
            {
                0 => TryReadVarint(ref reader, out _),
                1 => TryAdvance(ref reader, 8),
                5 => TryAdvance(ref reader, 4),
                _ => (tag & 7) == 2,
            };
            if (!skipped)
            {
                return null;
            }

            if ((tag & 7) != 2)
            {
                continue;
            }

            if (!TryReadVarint(ref reader, out var length) || length > (ulong)reader.Remaining)
            {
                return null;
            }

            var value = message.Slice(reader.Position, (long)length);
            reader.Advance((long)length);
            if (schema.Field((int)(tag >> 3)) is not { } field)
            {
                continue;
            }

            if (field.Message is { } nested)
            {
                if (Walk(value, nested) is { } inner)
                {
                    // Map entries read "point.tags (key)", nested messages "init.options.name".
                    return inner[0] == '(' ? $"{field.Name} {inner}" : $"{field.Name}.{inner}";
                }
            }
            else if (!IsValid(value))
            {
                return field.Name;
            }
        }

        return null;
    }

    private static bool IsValid(ReadOnlySequence<byte> text)
    {
        if (text.IsSingleSegment)
        {
            return Utf8.IsValid(text.FirstSpan);
        }

        var copy = ArrayPool<byte>.Shared.Rent((int)text.Length);
        try
        {
            text.CopyTo(copy);
            return Utf8.IsValid(copy.AsSpan(0, (int)text.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static bool TryAdvance(ref SequenceReader<byte> reader, int count)
    {
        if (reader.Remaining < count)
        {
            return false;
        }

        reader.Advance(count);
        return true;
    }

    private static bool TryReadVarint(ref SequenceReader<byte> reader, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (!reader.TryRead(out var b))
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

    /// <summary>The string and message fields of a message type; everything else is skipped.</summary>
    private sealed class Schema
    {
        private readonly (int Number, string Name, Schema? Message)[] _fields;

        private Schema(params (int Number, string Name, Schema? Message)[] fields) => _fields = fields;

        public static Schema Request { get; } = BuildRequest();

        public (string Name, Schema? Message)? Field(int number)
        {
            foreach (var field in _fields)
            {
                if (field.Number == number)
                {
                    return (field.Name, field.Message);
                }
            }

            return null;
        }

        private static Schema BuildRequest()
        {
            // Map entries are messages with key = 1 and value = 2.
            var stringMap = new Schema((1, "(key)", null), (2, "(value)", null));
            var keyOnlyMap = new Schema((1, "(key)", null));
            var optionValue = new Schema((5, "stringValue", null));
            var option = new Schema((1, "name", null), (2, "values", optionValue));
            var init = new Schema((1, "options", option), (2, "taskID", null), (3, "nodeID", null));
            var begin = new Schema((1, "name", null), (2, "group", null), (3, "tags", stringMap));
            var point = new Schema(
                (2, "name", null), (3, "database", null), (4, "retentionPolicy", null), (5, "group", null),
                (6, "dimensions", null), (7, "tags", stringMap), (8, "fieldsDouble", keyOnlyMap), (9, "fieldsInt", keyOnlyMap),
                (10, "fieldsString", stringMap), (12, "fieldsBool", keyOnlyMap));
            var end = new Schema((1, "name", null), (2, "group", null), (4, "tags", stringMap));
            return new Schema((2, "init", init), (16, "begin", begin), (17, "point", point), (18, "end", end));
        }
    }
}
