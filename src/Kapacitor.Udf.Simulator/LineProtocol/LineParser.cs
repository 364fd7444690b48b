using System.Globalization;
using System.Text;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.LineProtocol;

// One line of line protocol, scanned left to right without regex. Tokens without escapes become a single
// substring; only escaped tokens go through a StringBuilder.
internal ref struct LineParser
{
    private readonly string _line;
    private readonly long _lineNumber;
    private int _pos;

    public LineParser(string line, long lineNumber)
    {
        _line = line;
        _lineNumber = lineNumber;
        _pos = 0;
    }

    private readonly bool AtEnd => _pos >= _line.Length;

    private readonly char Current => _line[_pos];

    public Point? Parse(out bool hasTimestamp)
    {
        hasTimestamp = false;
        SkipWhitespace();
        if (AtEnd || Current == '#')
        {
            return null;
        }

        var point = new Point { Name = ReadMeasurement() };
        ReadTags(point);
        if (AtEnd || Current != ' ')
        {
            throw Error("expected a space and then field=value pairs");
        }

        SkipSpaces();
        ReadFields(point);
        SkipSpaces();
        if (!AtEnd)
        {
            point.Time = ReadTimestamp();
            hasTimestamp = true;
            SkipSpaces();
            if (!AtEnd)
            {
                throw Error("unexpected text after the timestamp (expected the end of the line)");
            }
        }

        return point;
    }

    private string ReadMeasurement()
    {
        var start = _pos;
        var name = ReadToken(stopAtEquals: false, escapable: ", ");
        if (name.Length == 0)
        {
            _pos = start;
            throw Error("expected a measurement name");
        }

        if (AtEnd)
        {
            throw Error($"expected a space and then field=value pairs after measurement \"{name}\"");
        }

        return name;
    }

    private void ReadTags(Point point)
    {
        while (!AtEnd && Current == ',')
        {
            _pos++;
            var keyStart = _pos;
            var key = ReadToken(stopAtEquals: true, escapable: ",= ");
            if (key.Length == 0)
            {
                throw Error("expected a tag key after ','");
            }

            if (AtEnd || Current != '=')
            {
                throw Error($"expected '=' after tag key \"{key}\"");
            }

            _pos++;
            var value = ReadToken(stopAtEquals: true, escapable: ",= ");
            if (!AtEnd && Current == '=')
            {
                throw Error($"unexpected '=' in the value of tag \"{key}\" (escape it as \\=)");
            }

            if (value.Length == 0)
            {
                throw Error($"expected a value for tag \"{key}\"");
            }

            if (!point.Tags.TryAdd(key, value))
            {
                _pos = keyStart;
                throw Error($"duplicate tag key \"{key}\"");
            }
        }
    }

    private void ReadFields(Point point)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var keyStart = _pos;
            var key = ReadToken(stopAtEquals: true, escapable: ",= ");
            if (key.Length == 0)
            {
                throw Error("expected a field key");
            }

            if (AtEnd || Current != '=')
            {
                throw Error($"expected '=' after field key \"{key}\"");
            }

            if (!keys.Add(key))
            {
                _pos = keyStart;
                throw Error($"duplicate field key \"{key}\"");
            }

            _pos++;
            ReadFieldValue(point, key);
            if (AtEnd || Current == ' ')
            {
                return;
            }

            if (Current != ',')
            {
                throw Error($"expected ',' or a space after the value of field \"{key}\"");
            }

            _pos++;
        }
    }

    private void ReadFieldValue(Point point, string key)
    {
        if (AtEnd || Current is ',' or ' ')
        {
            throw Error($"expected a value for field \"{key}\" (a number, an integer like 7i, a \"string\" or a boolean)");
        }

        switch (Current)
        {
            case '"':
                point.FieldsString[key] = ReadString(key);
                return;
            case 't' or 'T' or 'f' or 'F':
                point.FieldsBool[key] = ReadBoolean(key);
                return;
            case '-' or '.' or (>= '0' and <= '9'):
                ReadNumber(point, key);
                return;
            default:
                throw Error($"expected a value for field \"{key}\" (a number, an integer like 7i, a \"string\" or a boolean), got '{Current}'");
        }
    }

    private string ReadString(string key)
    {
        var open = _pos;
        _pos++;
        StringBuilder? escaped = null;
        var runStart = _pos;
        while (!AtEnd)
        {
            var c = Current;
            if (c == '"')
            {
                var value = escaped is null
                    ? _line.Substring(runStart, _pos - runStart)
                    : escaped.Append(_line, runStart, _pos - runStart).ToString();
                _pos++;
                return value;
            }

            if (c == '\\' && _pos + 1 < _line.Length && _line[_pos + 1] is '"' or '\\')
            {
                escaped ??= new StringBuilder();
                escaped.Append(_line, runStart, _pos - runStart).Append(_line[_pos + 1]);
                _pos += 2;
                runStart = _pos;
                continue;
            }

            _pos++;
        }

        _pos = open;
        throw Error($"unterminated string value for field \"{key}\" (expected a closing '\"'; escape quotes inside as \\\")");
    }

    private bool ReadBoolean(string key)
    {
        var start = _pos;
        var token = ReadBareValue();
        switch (token)
        {
            case "t" or "T" or "true" or "True" or "TRUE":
                return true;
            case "f" or "F" or "false" or "False" or "FALSE":
                return false;
            default:
                _pos = start;
                throw Error($"invalid value \"{token}\" for field \"{key}\" (expected a boolean: t, T, true, True, TRUE, f, F, false, False or FALSE; strings need double quotes)");
        }
    }

    private void ReadNumber(Point point, string key)
    {
        var start = _pos;
        var token = ReadBareValue();
        var suffix = token[^1];
        if (suffix == 'u')
        {
            _pos = start + token.Length - 1;
            throw Error($"unsigned integer value \"{token}\" for field \"{key}\": Kapacitor's UDF protocol has no unsigned field type (use the i suffix for a signed integer)");
        }

        if (suffix == 'i')
        {
            var digits = token.AsSpan(0, token.Length - 1);
            if (!IsInteger(digits))
            {
                _pos = start;
                throw Error($"invalid integer \"{token}\" for field \"{key}\" (expected digits, optionally preceded by '-', then 'i')");
            }

            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                _pos = start;
                throw Error($"integer \"{token}\" for field \"{key}\" is out of range for a 64-bit signed integer");
            }

            point.FieldsInt[key] = integer;
            return;
        }

        if (!IsFloat(token) || !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            || double.IsInfinity(number))
        {
            _pos = start;
            throw Error($"invalid number \"{token}\" for field \"{key}\" (expected a float like 1, 1.5 or -1e3, or an integer like 7i)");
        }

        point.FieldsDouble[key] = number;
    }

    private long ReadTimestamp()
    {
        var start = _pos;
        while (!AtEnd && Current != ' ')
        {
            _pos++;
        }

        var token = _line.AsSpan(start, _pos - start);
        if (!IsInteger(token) || !long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var time))
        {
            _pos = start;
            throw Error($"expected a timestamp in integer nanoseconds since the Unix epoch, got \"{token}\"");
        }

        return time;
    }

    // A value that is not a string ends at the next comma, space or the end of the line.
    private string ReadBareValue()
    {
        var start = _pos;
        while (!AtEnd && Current is not (',' or ' '))
        {
            _pos++;
        }

        return _line.Substring(start, _pos - start);
    }

    // Reads up to an unescaped delimiter (comma, space, and '=' when stopAtEquals). A backslash escapes only the
    // characters in `escapable`; before anything else it is an ordinary character, as in InfluxDB.
    private string ReadToken(bool stopAtEquals, string escapable)
    {
        StringBuilder? escaped = null;
        var runStart = _pos;
        while (!AtEnd)
        {
            var c = Current;
            if (c == '\\' && _pos + 1 < _line.Length && escapable.Contains(_line[_pos + 1], StringComparison.Ordinal))
            {
                escaped ??= new StringBuilder();
                escaped.Append(_line, runStart, _pos - runStart).Append(_line[_pos + 1]);
                _pos += 2;
                runStart = _pos;
                continue;
            }

            if (c is ',' or ' ' || (stopAtEquals && c == '='))
            {
                break;
            }

            _pos++;
        }

        return escaped is null
            ? _line.Substring(runStart, _pos - runStart)
            : escaped.Append(_line, runStart, _pos - runStart).ToString();
    }

    private void SkipWhitespace()
    {
        while (!AtEnd && Current is ' ' or '\t')
        {
            _pos++;
        }
    }

    private void SkipSpaces()
    {
        while (!AtEnd && Current == ' ')
        {
            _pos++;
        }
    }

    private static bool IsInteger(ReadOnlySpan<char> token)
    {
        if (token.Length > 0 && token[0] == '-')
        {
            token = token[1..];
        }

        if (token.IsEmpty)
        {
            return false;
        }

        foreach (var c in token)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    // -?(digits[.digits*] | .digits)([eE][+-]?digits)? — stricter than double.TryParse, which would accept
    // "Infinity", thousands separators or surrounding whitespace.
    private static bool IsFloat(ReadOnlySpan<char> token)
    {
        var i = 0;
        if (i < token.Length && token[i] == '-')
        {
            i++;
        }

        var mantissaDigits = 0;
        while (i < token.Length && char.IsAsciiDigit(token[i]))
        {
            i++;
            mantissaDigits++;
        }

        if (i < token.Length && token[i] == '.')
        {
            i++;
            while (i < token.Length && char.IsAsciiDigit(token[i]))
            {
                i++;
                mantissaDigits++;
            }
        }

        if (mantissaDigits == 0)
        {
            return false;
        }

        if (i < token.Length && token[i] is 'e' or 'E')
        {
            i++;
            if (i < token.Length && token[i] is '+' or '-')
            {
                i++;
            }

            var exponentDigits = 0;
            while (i < token.Length && char.IsAsciiDigit(token[i]))
            {
                i++;
                exponentDigits++;
            }

            if (exponentDigits == 0)
            {
                return false;
            }
        }

        return i == token.Length;
    }

    private readonly LineProtocolException Error(string problem) => new(_lineNumber, _pos + 1, problem);
}
