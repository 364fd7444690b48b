using System.Buffers;
using System.Text;
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

    // In place, segment by segment: a string may be as long as a frame (64 MiB), and copying it to validate it would
    // allocate in proportion to untrusted input. A character split across segments is carried over in 4 bytes.
    internal static bool IsValid(ReadOnlySequence<byte> text)
    {
        if (text.IsSingleSegment)
        {
            return Utf8.IsValid(text.FirstSpan);
        }

        Span<byte> carry = stackalloc byte[4];
        var carried = 0;
        foreach (var memory in text)
        {
            var span = memory.Span;
            // Complete the character the previous segment ended inside, one byte at a time (it may span several).
            while (carried > 0 && !span.IsEmpty)
            {
                carry[carried++] = span[0];
                span = span[1..];
                var status = Rune.DecodeFromUtf8(carry[..carried], out _, out _);
                if (status == OperationStatus.InvalidData)
                {
                    return false;
                }

                if (status == OperationStatus.Done)
                {
                    carried = 0;
                }
            }

            var tail = IncompleteTailLength(span);
            if (!Utf8.IsValid(span[..^tail]))
            {
                return false;
            }

            if (tail > 0)
            {
                // An incomplete character must at least be a valid start of one (E0 80 never is).
                if (Rune.DecodeFromUtf8(span[^tail..], out _, out _) != OperationStatus.NeedMoreData)
                {
                    return false;
                }

                span[^tail..].CopyTo(carry);
                carried = tail;
            }
        }

        return carried == 0;
    }

    // How many bytes at the end of the span start a multi-byte character that the span does not finish (0 to 3).
    private static int IncompleteTailLength(ReadOnlySpan<byte> span)
    {
        for (var back = 1; back <= Math.Min(3, span.Length); back++)
        {
            var b = span[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: the lead byte is further back
            }

            var needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? back : 0;
        }

        return 0;
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
