using System.Globalization;
using System.Text;

namespace Kapacitor.Udf;

/// <summary>
/// The text forms of limit values on the command line and in <c>KAPACITOR_UDF_*</c> variables, as an operator writes
/// them in kapacitor.conf: Go/Kapacitor durations (<c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>1h30m</c>), sizes in bytes
/// with an optional binary suffix (<c>65536</c>, <c>64KiB</c>, <c>64MiB</c>), counts, octal file modes. Hand-written,
/// without regular expressions: it runs on the Info probe's start-up path.
/// </summary>
internal static class LimitSyntax
{
    // Go's time.ParseDuration units, plus Kapacitor's u, µ, d and w (TICKscript durations).
    private static readonly (string Unit, decimal Ticks)[] DurationUnits =
    [
        ("ns", 0.01m), ("us", 10m), ("µs", 10m), ("μs", 10m), ("u", 10m), ("µ", 10m), ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
        ("d", TimeSpan.TicksPerDay), ("w", TimeSpan.TicksPerDay * 7),
    ];

    private static readonly (string Suffix, long Bytes)[] SizeSuffixes =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("B", 1),
    ];

    /// <summary>Parses a duration: <c>0</c>, or numbers (decimals allowed) each followed by a unit
    /// (<c>ns us µs u µ ms s m h d w</c>), summed: <c>1h30m</c>, <c>1.5s</c>. No sign.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }

        var rest = text.AsSpan();
        if (rest.IsEmpty)
        {
            return false;
        }

        decimal ticks = 0;
        while (!rest.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }

            var unitLength = 0;
            while (numberLength + unitLength < rest.Length && !char.IsAsciiDigit(rest[numberLength + unitLength]) && rest[numberLength + unitLength] != '.')
            {
                unitLength++;
            }

            if (numberLength == 0 || unitLength == 0
                || !decimal.TryParse(rest[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                || UnitTicks(rest.Slice(numberLength, unitLength)) is not { } unit)
            {
                return false;
            }

            try
            {
                ticks += number * unit;
            }
            catch (OverflowException)
            {
                return false;
            }

            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }

            rest = rest[(numberLength + unitLength)..];
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>Formats a duration so that <see cref="TryParseDuration"/> reads it back: <c>5m</c>, <c>1m30s</c>,
    /// <c>5ms</c>, <c>0s</c>.</summary>
    public static string FormatDuration(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        var ticks = value.Ticks;
        foreach (var (unit, perUnit) in new (string, long)[]
                 {
                     ("h", TimeSpan.TicksPerHour), ("m", TimeSpan.TicksPerMinute), ("s", TimeSpan.TicksPerSecond),
                     ("ms", TimeSpan.TicksPerMillisecond), ("us", TimeSpan.TicksPerMicrosecond),
                 })
        {
            if (ticks >= perUnit)
            {
                builder.Append((ticks / perUnit).ToString(CultureInfo.InvariantCulture)).Append(unit);
                ticks %= perUnit;
            }
        }

        if (ticks > 0)
        {
            builder.Append((ticks * 100).ToString(CultureInfo.InvariantCulture)).Append("ns");
        }

        return builder.ToString();
    }

    /// <summary>Parses a size: a whole number of bytes, optionally followed by <c>B</c>, <c>KiB</c>, <c>MiB</c> or
    /// <c>GiB</c> (case-insensitive; decimal units such as <c>MB</c> are refused as ambiguous).</summary>
    public static bool TryParseSize(string text, out long value)
    {
        value = 0;
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        if (digits == 0)
        {
            return false;
        }

        // Beyond long: long.MaxValue, which every range refuses as out of range rather than as no size at all.
        if (!long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            number = long.MaxValue;
        }

        var suffix = text.AsSpan(digits);
        long multiplier = 1;
        if (!suffix.IsEmpty)
        {
            var found = false;
            foreach (var (name, bytes) in SizeSuffixes)
            {
                if (suffix.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    multiplier = bytes;
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        if (number > long.MaxValue / multiplier)
        {
            value = long.MaxValue;
            return true;
        }

        value = number * multiplier;
        return true;
    }

    /// <summary>Formats a size so that <see cref="TryParseSize"/> reads it back: <c>64MiB</c>, <c>64KiB</c>,
    /// <c>1000</c>.</summary>
    public static string FormatSize(long value)
    {
        foreach (var (suffix, bytes) in SizeSuffixes)
        {
            if (bytes > 1 && value >= bytes && value % bytes == 0 && value / bytes < 1024)
            {
                return (value / bytes).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Parses a count: a whole number, no sign or separators (a value beyond <see cref="long"/> reads as
    /// <see cref="long.MaxValue"/>, which every range refuses).</summary>
    public static bool TryParseCount(string text, out long value)
    {
        value = 0;
        if (text.Length == 0)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            value = long.MaxValue;
        }

        return true;
    }

    /// <summary>Parses an octal file mode: three or four octal digits (<c>660</c>, <c>0660</c>).</summary>
    public static bool TryParseMode(string text, out UnixFileMode value)
    {
        value = 0;
        if (text.Length is < 3 or > 4)
        {
            return false;
        }

        var mode = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            mode = (mode * 8) + (c - '0');
        }

        value = (UnixFileMode)mode;
        return true;
    }

    private static decimal? UnitTicks(ReadOnlySpan<char> unit)
    {
        foreach (var (name, ticks) in DurationUnits)
        {
            if (unit.SequenceEqual(name))
            {
                return ticks;
            }
        }

        return null;
    }
}
