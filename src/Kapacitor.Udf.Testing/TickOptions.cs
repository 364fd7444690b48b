using System.Globalization;
using System.Text;
using Kapacitor.Udf.Hosting;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Testing;

/// <summary>
/// TICKscript option calls (<c>.size(10)</c>, <c>.field('value')</c>, <c>.period(10s)</c>) turned into InitRequest
/// options the way Kapacitor does it, including its define-time checks against the UDF's option table.
/// </summary>
public static class TickOptions
{
    /// <summary>
    /// Parses calls and checks them as <c>kapacitor define</c> would [pipeline/udf.go]: the name must be a declared
    /// option; a single list argument is expanded (<c>.tags(['a','b'])</c> ≡ <c>.tags('a','b')</c>); count and types
    /// must match exactly (<c>.scale(2)</c> is not a DOUBLE). <c>"double quotes"</c>, lambdas and regexes become a BOOL
    /// with no value, as in Kapacitor.
    /// </summary>
    /// <param name="calls">The calls in TICKscript order; a leading <c>.</c> is optional.</param>
    /// <param name="info">The UDF's InfoResponse.</param>
    /// <returns>The options, one per call.</returns>
    /// <exception cref="FormatException">A call is not valid TICKscript.</exception>
    /// <exception cref="UdfDefineException">Kapacitor would reject a call; the message is Kapacitor's text.</exception>
    public static IReadOnlyList<Option> Bind(IEnumerable<string> calls, InfoResponse info)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(info);
        var options = new List<Option>();
        foreach (var text in calls)
        {
            var (name, arguments) = new Parser(text).ParseCall();
            if (!info.Options.TryGetValue(name, out var declared))
            {
                throw new UdfDefineException($"no method or property \"{name}\" on *pipeline.UDFNode");
            }

            if (arguments is [{ Items: { } items }])
            {
                arguments = items;
            }

            if (arguments.Count != declared.ValueTypes.Count)
            {
                throw new UdfDefineException($"unexpected number of args to {name}, got {arguments.Count} expected {declared.ValueTypes.Count}");
            }

            var option = new Option { Name = name };
            for (var i = 0; i < arguments.Count; i++)
            {
                var value = arguments[i].Value;
                if (value.Type != declared.ValueTypes[i])
                {
                    throw new UdfDefineException($"unexpected arg to {name}, got {UdfDescription.TypeName(value.Type)} expected {UdfDescription.TypeName(declared.ValueTypes[i])}");
                }

                option.Values.Add(value);
            }

            options.Add(option);
        }

        return options;
    }

    /// <summary>Parses calls without checking them against a UDF: every literal gets its own type. For sending
    /// what Kapacitor would reject at define time, to test the UDF's own Init errors.</summary>
    /// <param name="calls">The calls.</param>
    /// <returns>The options, one per call (a single list argument expanded).</returns>
    /// <exception cref="FormatException">A call is not valid TICKscript.</exception>
    public static IReadOnlyList<Option> Parse(IEnumerable<string> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var options = new List<Option>();
        foreach (var text in calls)
        {
            var (name, arguments) = new Parser(text).ParseCall();
            if (arguments is [{ Items: { } items }])
            {
                arguments = items;
            }

            var option = new Option { Name = name };
            foreach (var argument in arguments)
            {
                option.Values.Add(argument.Value);
            }

            options.Add(option);
        }

        return options;
    }

    // One argument: its OptionValue (a list's is Kapacitor's fall-through BOOL with no value), and a list's items.
    private sealed record Argument(OptionValue Value, IReadOnlyList<Argument>? Items = null);

    // The slice of TICKscript that appears in `.name(args)` [tick/ast/lex.go]: 'strings' (\' escapes, '''raw'''),
    // "references", /regex/, lambda: ..., [lists], TRUE/FALSE, integers (a leading 0 is octal), floats, durations with
    // one unit (u, µ, ms, s, m, h, d, w), and '-' before a number or duration.
    private sealed class Parser(string source)
    {
        private int _pos;

        public (string Name, IReadOnlyList<Argument> Arguments) ParseCall()
        {
            SkipSpace();
            if (Peek() == '.')
            {
                _pos++;
            }

            var start = _pos;
            while (_pos < source.Length && (char.IsAsciiLetterOrDigit(source[_pos]) || source[_pos] == '_'))
            {
                _pos++;
            }

            if (_pos == start || !char.IsAsciiLetter(source[start]))
            {
                throw Error(start, "expected an option name");
            }

            var name = source[start.._pos];
            SkipSpace();
            Expect('(');
            var arguments = ReadArguments(')');
            SkipSpace();
            return _pos == source.Length ? (name, arguments) : throw Error(_pos, "unexpected text after ')'");
        }

        private List<Argument> ReadArguments(char close)
        {
            var arguments = new List<Argument>();
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
                if (Peek() == close)
                {
                    _pos++;
                    return arguments;
                }

                Expect(',');
            }
        }

        private Argument ReadValue()
        {
            SkipSpace();
            var c = Peek();
            switch (c)
            {
                case '-':
                    _pos++;
                    return Negate(ReadValue());
                case '\'':
                    return new(new OptionValue { Type = Protocol.ValueType.String, StringValue = ReadString() });
                case '"' or '/':
                    ReadQuoted(c);
                    return NoValue();
                case '*':
                    _pos++;
                    return NoValue();
                case '[':
                    _pos++;
                    return new(new OptionValue { Type = Protocol.ValueType.Bool }, ReadArguments(']'));
            }

            if (char.IsAsciiDigit(c))
            {
                return ReadNumber();
            }

            var start = _pos;
            while (_pos < source.Length && (char.IsAsciiLetterOrDigit(source[_pos]) || source[_pos] == '_'))
            {
                _pos++;
            }

            switch (source[start.._pos])
            {
                case "TRUE":
                    return new(new OptionValue { Type = Protocol.ValueType.Bool, BoolValue = true });
                case "FALSE":
                    return new(new OptionValue { Type = Protocol.ValueType.Bool, BoolValue = false });
                case "lambda" when Peek() == ':':
                    SkipLambda();
                    return NoValue();
                case var word:
                    throw Error(start, word.Length == 0
                        ? $"unexpected '{c}'"
                        : $"undefined name {word} (booleans are TRUE and FALSE; strings take single quotes: '{word}')");
            }
        }

        // Kapacitor's fall-through for a reference, lambda, regex or star: type BOOL with no value set.
        private static Argument NoValue() => new(new OptionValue { Type = Protocol.ValueType.Bool });

        private Argument Negate(Argument argument)
        {
            var value = argument.Value;
            return value.ValueCase switch
            {
                OptionValue.ValueOneofCase.IntValue => new(new OptionValue { Type = value.Type, IntValue = -value.IntValue }),
                OptionValue.ValueOneofCase.DoubleValue => new(new OptionValue { Type = value.Type, DoubleValue = -value.DoubleValue }),
                OptionValue.ValueOneofCase.DurationValue => new(new OptionValue { Type = value.Type, DurationValue = -value.DurationValue }),
                _ => throw Error(_pos, "only numbers and durations can be negated"),
            };
        }

        private Argument ReadNumber()
        {
            var start = _pos;
            while (_pos < source.Length && (char.IsAsciiDigit(source[_pos]) || source[_pos] == '.'))
            {
                _pos++;
            }

            var digits = source[start.._pos];
            if (digits.Count(ch => ch == '.') > 1)
            {
                throw Error(start, "multiple decimal points in a number");
            }

            if (!digits.Contains('.', StringComparison.Ordinal) && _pos < source.Length && "uµsmhdw".Contains(source[_pos], StringComparison.Ordinal))
            {
                return ReadDuration(start, digits);
            }

            if (_pos < source.Length && char.IsAsciiLetter(source[_pos]))
            {
                throw Error(_pos, $"unexpected '{source[_pos]}' after {digits} (durations take one unit: u, µ, ms, s, m, h, d or w)");
            }

            if (digits.Contains('.', StringComparison.Ordinal))
            {
                return new(new OptionValue { Type = Protocol.ValueType.Double, DoubleValue = double.Parse(digits, CultureInfo.InvariantCulture) });
            }

            // TICKscript reads a leading 0 as octal, like Go's strconv.ParseInt(s, 0, 64).
            long value;
            try
            {
                value = digits.Length > 1 && digits[0] == '0' ? Convert.ToInt64(digits, 8) : long.Parse(digits, CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
            {
                throw Error(start, $"illegal number syntax: {digits}");
            }

            return new(new OptionValue { Type = Protocol.ValueType.Int, IntValue = value });
        }

        private Argument ReadDuration(int start, string digits)
        {
            var unit = source[_pos++].ToString();
            if (unit == "m" && Peek() == 's')
            {
                _pos++;
                unit = "ms";
            }

            if (_pos < source.Length && char.IsAsciiLetterOrDigit(source[_pos]))
            {
                throw Error(_pos, "a TICKscript duration takes exactly one unit: u, µ, ms, s, m, h, d or w");
            }

            long size = unit switch
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
                return new(new OptionValue { Type = Protocol.ValueType.Duration, DurationValue = checked(long.Parse(digits, CultureInfo.InvariantCulture) * size) });
            }
            catch (OverflowException)
            {
                throw Error(start, "the duration overflows int64 nanoseconds");
            }
        }

        private string ReadString()
        {
            if (string.CompareOrdinal(source, _pos, "'''", 0, 3) == 0)
            {
                var end = source.IndexOf("'''", _pos + 3, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw Error(_pos, "unterminated string");
                }

                var raw = source[(_pos + 3)..end];
                _pos = end + 3;
                return raw;
            }

            return ReadQuoted('\'');
        }

        // A quoted run; only a backslash before the quote character is an escape.
        private string ReadQuoted(char quote)
        {
            var start = _pos++;
            var text = new StringBuilder();
            while (_pos < source.Length)
            {
                var c = source[_pos++];
                if (c == '\\' && Peek() == quote)
                {
                    text.Append(quote);
                    _pos++;
                }
                else if (c == quote)
                {
                    return text.ToString();
                }
                else
                {
                    text.Append(c);
                }
            }

            throw Error(start, "unterminated " + (quote == '\'' ? "string" : quote == '"' ? "reference" : "regex"));
        }

        // A lambda's value never reaches a UDF, so it is only skipped: to the ',' or ')' that ends the argument.
        private void SkipLambda()
        {
            _pos++;
            var depth = 0;
            while (_pos < source.Length)
            {
                var c = source[_pos];
                if (c is '\'' or '"')
                {
                    ReadQuoted(c);
                    continue;
                }

                if (c is '(' or '[')
                {
                    depth++;
                }
                else if (c is ')' or ']' or ',' && depth == 0)
                {
                    return;
                }
                else if (c is ')' or ']')
                {
                    depth--;
                }

                _pos++;
            }
        }

        private char Peek() => _pos < source.Length ? source[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < source.Length && char.IsWhiteSpace(source[_pos]))
            {
                _pos++;
            }
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c)
            {
                throw Error(_pos, $"expected '{c}'");
            }

            _pos++;
        }

        private FormatException Error(int position, string problem) =>
            new($"invalid option call \"{source}\" at column {position + 1}: {problem}");
    }
}
