using System.Buffers.Text;
using System.Text;
using System.Text.Unicode;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.LineProtocol;

namespace Kapacitor.Udf.Simulator.Input;

// A plain line of line protocol taken apart where it lies, without a Point or a string: the fast path for the lines
// that make up almost every input. Only lines without backslashes, duplicate keys or anything else unusual are taken
// (TryParse is false otherwise, and LineProtocolReader.ParseLine then reads the line and reports any error), and what
// is taken means exactly what ParseLine would make of it. Spans point into the line; valid until the next line.
internal sealed class RawPoint
{
    private const int MaxTokens = 64;

    private readonly Token[] _tags = new Token[MaxTokens];
    private readonly Field[] _fields = new Field[MaxTokens];
    private byte[] _line = [];

    public enum Kind : byte
    {
        Double,
        Integer,
        String,
        Boolean,
    }

    public int TagCount { get; private set; }

    public int FieldCount { get; private set; }

    public long Time { get; set; }

    public bool HasTime { get; private set; }

    // A stream recording's database and retention policy, as UTF-8; empty for plain line protocol.
    public ReadOnlyMemory<byte> Database { get; set; }

    public ReadOnlyMemory<byte> RetentionPolicy { get; set; }

    // The line, for the ordinary parser when a Point is needed after all (windows).
    public ReadOnlySpan<byte> Line => _line.AsSpan(0, LineLength);

    public ReadOnlySpan<byte> Name => Line.Slice(NameToken.Start, NameToken.Length);

    private int LineLength { get; set; }

    private Token NameToken { get; set; }

    public ReadOnlySpan<byte> TagKey(int i) => Line.Slice(_tags[i].Start, _tags[i].Length);

    public ReadOnlySpan<byte> TagValue(int i) => Line.Slice(_tags[i].ValueStart, _tags[i].ValueLength);

    public ReadOnlySpan<byte> FieldKey(int i) => Line.Slice(_fields[i].Key.Start, _fields[i].Key.Length);

    public Kind FieldKind(int i) => _fields[i].Kind;

    public double FieldDouble(int i) => _fields[i].Number;

    public long FieldInteger(int i) => _fields[i].Integer;

    public bool FieldBoolean(int i) => _fields[i].Integer != 0;

    public ReadOnlySpan<byte> FieldString(int i) => Line.Slice(_fields[i].Text.Start, _fields[i].Text.Length);

    // The Point the ordinary parser makes of the line, for windows, which keep their points.
    public Point ToPoint()
    {
        var point = LineProtocolReader.ParseLine(Encoding.UTF8.GetString(Line), 0, out _)!;
        point.Time = Time;
        point.Database = Encoding.UTF8.GetString(Database.Span);
        point.RetentionPolicy = Encoding.UTF8.GetString(RetentionPolicy.Span);
        return point;
    }

    // Takes the line apart; false when it is not a plain line (then nothing of this instance is meaningful).
    public bool TryParse(ReadOnlySpan<byte> line)
    {
        Database = ReadOnlyMemory<byte>.Empty;
        RetentionPolicy = ReadOnlyMemory<byte>.Empty;
        if (line.IsEmpty || line[0] is (byte)' ' or (byte)'\t' or (byte)'#' || line.Contains((byte)'\\') || !Utf8.IsValid(line))
        {
            return false;
        }

        if (_line.Length < line.Length)
        {
            _line = new byte[Math.Max(line.Length, 2 * _line.Length)];
        }

        line.CopyTo(_line);
        LineLength = line.Length;
        var position = 0;
        return TryReadKey(line, ref position, stopAtEquals: false, out var name)
            && Assign(name)
            && TryReadTags(line, ref position)
            && TrySkipSpaces(line, ref position, required: true)
            && TryReadFields(line, ref position)
            && TryReadTime(line, position);
    }

    private bool Assign(Token name)
    {
        NameToken = name;
        return true;
    }

    private bool TryReadTags(ReadOnlySpan<byte> line, ref int position)
    {
        TagCount = 0;
        while (position < line.Length && line[position] == (byte)',')
        {
            position++;
            if (TagCount == MaxTokens || !TryReadKey(line, ref position, stopAtEquals: true, out var key)
                || position >= line.Length || line[position] != (byte)'=')
            {
                return false;
            }

            position++;
            if (!TryReadKey(line, ref position, stopAtEquals: true, out var value) || (position < line.Length && line[position] == (byte)'='))
            {
                return false;
            }

            for (var i = 0; i < TagCount; i++)
            {
                if (TagKey(i).SequenceEqual(line.Slice(key.Start, key.Length)))
                {
                    return false;
                }
            }

            _tags[TagCount++] = key with { ValueStart = value.Start, ValueLength = value.Length };
        }

        return true;
    }

    private bool TryReadFields(ReadOnlySpan<byte> line, ref int position)
    {
        FieldCount = 0;
        while (true)
        {
            if (FieldCount == MaxTokens || !TryReadKey(line, ref position, stopAtEquals: true, out var key)
                || position >= line.Length || line[position] != (byte)'=')
            {
                return false;
            }

            for (var i = 0; i < FieldCount; i++)
            {
                if (FieldKey(i).SequenceEqual(line.Slice(key.Start, key.Length)))
                {
                    return false;
                }
            }

            position++;
            if (!TryReadValue(line, ref position, out var field))
            {
                return false;
            }

            _fields[FieldCount++] = field with { Key = key };
            if (position >= line.Length || line[position] == (byte)' ')
            {
                return true;
            }

            if (line[position] != (byte)',')
            {
                return false;
            }

            position++;
        }
    }

    private static bool TryReadValue(ReadOnlySpan<byte> line, ref int position, out Field field)
    {
        field = default;
        if (position >= line.Length)
        {
            return false;
        }

        if (line[position] == (byte)'"')
        {
            var close = line[(position + 1)..].IndexOf((byte)'"');
            if (close < 0)
            {
                return false;
            }

            field = new Field { Kind = Kind.String, Text = new Token(position + 1, close) };
            position += close + 2;
            return true;
        }

        var start = position;
        while (position < line.Length && line[position] is not ((byte)',' or (byte)' '))
        {
            position++;
        }

        var token = line[start..position];
        if (token.IsEmpty)
        {
            return false;
        }

        switch (token[0])
        {
            case (byte)'t' or (byte)'T' or (byte)'f' or (byte)'F':
                var truth = token switch
                {
                    _ when token.SequenceEqual("t"u8) || token.SequenceEqual("T"u8) || token.SequenceEqual("true"u8)
                        || token.SequenceEqual("True"u8) || token.SequenceEqual("TRUE"u8) => 1,
                    _ when token.SequenceEqual("f"u8) || token.SequenceEqual("F"u8) || token.SequenceEqual("false"u8)
                        || token.SequenceEqual("False"u8) || token.SequenceEqual("FALSE"u8) => 0,
                    _ => -1,
                };
                field = new Field { Kind = Kind.Boolean, Integer = truth };
                return truth >= 0;
            case (byte)'-' or (byte)'.' or (>= (byte)'0' and <= (byte)'9') when token[^1] == (byte)'i':
                field = new Field { Kind = Kind.Integer };
                return IsInteger(token[..^1]) && Utf8Parser.TryParse(token[..^1], out field.Integer, out var used) && used == token.Length - 1;
            case (byte)'-' or (byte)'.' or (>= (byte)'0' and <= (byte)'9'):
                field = new Field { Kind = Kind.Double };
                return IsFloat(token) && double.TryParse(token, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out field.Number)
                    && !double.IsInfinity(field.Number);
            default:
                return false;
        }
    }

    private bool TryReadTime(ReadOnlySpan<byte> line, int position)
    {
        HasTime = false;
        Time = 0;
        TrySkipSpaces(line, ref position, required: false);
        if (position == line.Length)
        {
            return true;
        }

        var end = line[position..].IndexOf((byte)' ');
        var token = end < 0 ? line[position..] : line.Slice(position, end);
        if (!IsInteger(token) || !Utf8Parser.TryParse(token, out long time, out var used) || used != token.Length)
        {
            return false;
        }

        position += token.Length;
        TrySkipSpaces(line, ref position, required: false);
        Time = time;
        HasTime = true;
        return position == line.Length;
    }

    // A measurement, tag key, tag value or field key: up to a comma, a space (or '=' in keys and values); not empty.
    private static bool TryReadKey(ReadOnlySpan<byte> line, ref int position, bool stopAtEquals, out Token token)
    {
        var start = position;
        var rest = line[position..];
        var length = stopAtEquals ? rest.IndexOfAny(",= "u8) : rest.IndexOfAny(", "u8);
        if (length < 0)
        {
            length = rest.Length;
        }

        position += length;
        token = new Token(start, length);
        return length > 0;
    }

    private static bool TrySkipSpaces(ReadOnlySpan<byte> line, ref int position, bool required)
    {
        var start = position;
        while (position < line.Length && line[position] == (byte)' ')
        {
            position++;
        }

        return !required || position > start;
    }

    private static bool IsInteger(ReadOnlySpan<byte> token)
    {
        if (!token.IsEmpty && token[0] == (byte)'-')
        {
            token = token[1..];
        }

        return !token.IsEmpty && !token.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }

    // -?(digits[.digits*] | .digits)([eE][+-]?digits)?, as LineParser accepts it.
    private static bool IsFloat(ReadOnlySpan<byte> token)
    {
        var i = token[0] == (byte)'-' ? 1 : 0;
        var mantissa = 0;
        for (; i < token.Length && char.IsAsciiDigit((char)token[i]); i++, mantissa++)
        {
        }

        if (i < token.Length && token[i] == (byte)'.')
        {
            for (i++; i < token.Length && char.IsAsciiDigit((char)token[i]); i++, mantissa++)
            {
            }
        }

        if (mantissa == 0)
        {
            return false;
        }

        if (i < token.Length && token[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < token.Length && token[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            var exponent = 0;
            for (; i < token.Length && char.IsAsciiDigit((char)token[i]); i++, exponent++)
            {
            }

            if (exponent == 0)
            {
                return false;
            }
        }

        return i == token.Length;
    }

    private readonly record struct Token(int Start, int Length)
    {
        public int ValueStart { get; init; }

        public int ValueLength { get; init; }
    }

    private struct Field
    {
        public Token Key;
        public Kind Kind;
        public Token Text;
        public double Number;
        public long Integer;
    }
}
