using System.Globalization;
using System.Text;

namespace Kapacitor.Udf.TickScript;

// The slice of TICKscript that can appear in `.name(args)`, following Kapacitor's lexer [tick/ast/lex.go] and
// node constructors [tick/ast/node.go]:
// * numbers are digits with at most one '.', no exponent; a leading 0 makes an integer octal;
// * a duration is an integer followed by exactly one unit: u, µ, ms, s, m, h, d or w (so "10us" and "10ns" are
//   not TICKscript; the lexer would stop at "10u" / "10" and then fail on the rest);
// * '-' negates a number or duration; TRUE and FALSE are upper case only;
// * 'single' strings unescape only \'; '''triple''' strings are raw; "double" quotes are references.
internal sealed class OptionCallParser(string source)
{
    private const string DurationUnits = "uµsmhdw";
    private int _pos;

    public OptionCall Parse()
    {
        SkipSpace();
        if (Peek() == '.')
        {
            _pos++;
        }

        var nameStart = _pos;
        while (_pos < source.Length && IsIdentChar(source[_pos]))
        {
            _pos++;
        }

        if (_pos == nameStart || !char.IsLetter(source[nameStart]))
        {
            _pos = nameStart;
            throw Error("expected an option name (a TICKscript identifier such as size)");
        }

        var name = source[nameStart.._pos];
        SkipSpace();
        Expect('(', $"expected '(' after the option name {name} (write {name}() for an option without arguments)");
        var arguments = ReadArguments(')');
        SkipSpace();
        if (_pos < source.Length)
        {
            throw Error("unexpected text after ')'");
        }

        return new OptionCall(name, arguments, source.Trim());
    }

    private List<TickValue> ReadArguments(char close)
    {
        var arguments = new List<TickValue>();
        SkipSpace();
        if (Peek() == close)
        {
            _pos++;
            return arguments;
        }

        while (true)
        {
            arguments.Add(ReadValue());
            SkipSpace();
            var c = Peek();
            if (c == close)
            {
                _pos++;
                return arguments;
            }

            Expect(',', $"expected ',' or '{close}'");
        }
    }

    private TickValue ReadValue()
    {
        SkipSpace();
        var start = _pos;
        var c = Peek();
        switch (c)
        {
            case '-':
                _pos++;
                return Negate(ReadValue(), start);
            case '\'':
                return ReadString();
            case '"':
                return ReadReference();
            case '/':
                return ReadRegex();
            case '[':
                _pos++;
                var items = ReadArguments(']');
                return TickValue.List(items, source[start.._pos]);
            case '*':
                _pos++;
                return TickValue.Other(TickValueKind.Star, "*");
            case '\0':
                throw Error("expected an argument");
        }

        if (char.IsAsciiDigit(c) || c == '.')
        {
            return ReadNumberOrDuration();
        }

        if (char.IsLetter(c))
        {
            return ReadWord();
        }

        throw Error($"unexpected '{c}' (expected a TICKscript literal: TRUE, 10, 1.5, 'text', 10s or a list)");
    }

    private TickValue Negate(TickValue value, int start)
    {
        var text = source[start.._pos];
        return value.Kind switch
        {
            TickValueKind.Int => TickValue.Int(-value.IntValue),
            TickValueKind.Double => TickValue.Double(-value.DoubleValue),
            TickValueKind.Duration => TickValue.Duration(-value.IntValue, text),
            _ => throw ErrorAt(start, $"invalid argument to '-' {value.Text} (only numbers and durations can be negated)"),
        };
    }

    private TickValue ReadNumberOrDuration()
    {
        var start = _pos;
        var decimals = false;
        while (_pos < source.Length && (char.IsAsciiDigit(source[_pos]) || source[_pos] == '.'))
        {
            if (source[_pos] == '.')
            {
                if (decimals)
                {
                    throw Error("multiple decimals in number");
                }

                decimals = true;
            }

            _pos++;
        }

        var digits = source[start.._pos];
        if (!decimals && _pos < source.Length && DurationUnits.Contains(source[_pos], StringComparison.Ordinal))
        {
            return ReadDurationUnit(start, digits);
        }

        if (_pos < source.Length && (char.IsLetterOrDigit(source[_pos]) || source[_pos] == '_'))
        {
            throw Error($"unexpected '{source[_pos]}' after the number {digits} (durations take one unit: u, µ, ms, s, m, h, d or w; floats have no exponent)");
        }

        if (decimals)
        {
            if (!double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || digits == ".")
            {
                throw ErrorAt(start, $"illegal number syntax: \"{digits}\"");
            }

            return TickValue.Double(number);
        }

        // Go's strconv.ParseInt with base 8 for a leading zero, as the TICKscript number node does.
        var isOctal = digits.Length > 1 && digits[0] == '0';
        if (!TryParseInteger(digits, isOctal ? 8 : 10, out var integer))
        {
            throw ErrorAt(start, $"illegal number syntax: \"{digits}\"" + (isOctal ? " (a leading 0 makes an octal integer in TICKscript)" : string.Empty));
        }

        return TickValue.Int(integer);
    }

    private TickValue ReadDurationUnit(int start, string digits)
    {
        var unit = source[_pos];
        _pos++;
        if (unit == 'm' && Peek() == 's')
        {
            _pos++;
        }

        var text = source[start.._pos];
        if (_pos < source.Length && (char.IsLetterOrDigit(source[_pos]) || source[_pos] == '_'))
        {
            throw Error($"unexpected '{source[_pos]}' after the duration {text} (TICKscript durations take exactly one unit: u or µ, ms, s, m, h, d, w)");
        }

        // influxql.ParseDuration reads the digits in base 10 even with a leading zero.
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw ErrorAt(start, $"invalid duration {text}");
        }

        long unitNanoseconds = text[digits.Length..] switch
        {
            "u" or "µ" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "d" => 86_400_000_000_000,
            _ => 604_800_000_000_000,
        };
        try
        {
            return TickValue.Duration(checked(count * unitNanoseconds), text);
        }
        catch (OverflowException)
        {
            throw ErrorAt(start, $"duration {text} overflows 64-bit nanoseconds");
        }
    }

    private TickValue ReadWord()
    {
        var start = _pos;
        while (_pos < source.Length && IsIdentChar(source[_pos]))
        {
            _pos++;
        }

        var word = source[start.._pos];
        switch (word)
        {
            case "TRUE":
                return TickValue.Bool(true);
            case "FALSE":
                return TickValue.Bool(false);
            case "lambda" when Peek() == ':':
                return ReadLambda(start);
            default:
                throw ErrorAt(start, $"undefined name {word} (TICKscript booleans are TRUE and FALSE; strings need single quotes: '{word}')");
        }
    }

    // A lambda's value never reaches the UDF (it becomes a BOOL with no value), so its expression is only skipped:
    // up to the ',' or ')' that ends the argument, outside quotes and brackets.
    private TickValue ReadLambda(int start)
    {
        _pos++;
        var depth = 0;
        while (_pos < source.Length)
        {
            var c = source[_pos];
            if (c is '\'' or '"')
            {
                SkipQuoted(c);
                continue;
            }

            if (c is '(' or '[')
            {
                depth++;
            }
            else if (c is ')' or ']')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                break;
            }

            _pos++;
        }

        return TickValue.Other(TickValueKind.Lambda, source[start.._pos].TrimEnd());
    }

    private TickValue ReadString()
    {
        var start = _pos;
        if (string.CompareOrdinal(source, _pos, "'''", 0, 3) == 0)
        {
            var end = source.IndexOf("'''", _pos + 3, StringComparison.Ordinal);
            if (end < 0)
            {
                throw Error("unterminated string");
            }

            _pos = end + 3;
            return TickValue.String(source[(start + 3)..end]);
        }

        return TickValue.String(ReadQuoted('\'', start, "unterminated string"));
    }

    private TickValue ReadReference()
    {
        var start = _pos;
        var name = ReadQuoted('"', start, "unterminated field reference");
        return TickValue.Other(TickValueKind.Reference, source[start.._pos], name);
    }

    private TickValue ReadRegex()
    {
        var start = _pos;
        ReadQuoted('/', start, "unterminated regex");
        return TickValue.Other(TickValueKind.Regex, source[start.._pos]);
    }

    // Reads a quoted run; only a backslash before the quote character is an escape (the rest stays as written).
    private string ReadQuoted(char quote, int start, string unterminated)
    {
        _pos++;
        var text = new StringBuilder();
        while (_pos < source.Length)
        {
            var c = source[_pos];
            if (c == '\\' && _pos + 1 < source.Length && source[_pos + 1] == quote)
            {
                text.Append(quote);
                _pos += 2;
                continue;
            }

            _pos++;
            if (c == quote)
            {
                return text.ToString();
            }

            text.Append(c);
        }

        throw ErrorAt(start, unterminated);
    }

    private void SkipQuoted(char quote) => ReadQuoted(quote, _pos, quote == '"' ? "unterminated field reference" : "unterminated string");

    private static bool TryParseInteger(string digits, int radix, out long value)
    {
        value = 0;
        foreach (var c in digits)
        {
            var digit = c - '0';
            if (digit >= radix)
            {
                return false;
            }

            if (value > (long.MaxValue - digit) / radix)
            {
                return false;
            }

            value = (value * radix) + digit;
        }

        return true;
    }

    private static bool IsIdentChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private char Peek() => _pos < source.Length ? source[_pos] : '\0';

    private void SkipSpace()
    {
        while (_pos < source.Length && char.IsWhiteSpace(source[_pos]))
        {
            _pos++;
        }
    }

    private void Expect(char c, string problem)
    {
        if (Peek() != c)
        {
            throw Error(problem);
        }

        _pos++;
    }

    private FormatException Error(string problem) => ErrorAt(_pos, problem);

    private FormatException ErrorAt(int position, string problem) =>
        new($"invalid option expression \"{source}\" at column {position + 1}: {problem}");
}
