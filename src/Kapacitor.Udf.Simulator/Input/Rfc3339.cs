namespace Kapacitor.Udf.Simulator.Input;

// The time format of Go's time.Time in JSON (RFC 3339 with up to nanoseconds, "2006-01-02T15:04:05.999999999Z07:00"),
// to Unix nanoseconds without the 100 ns rounding of DateTimeOffset.
internal static class Rfc3339
{
    private static readonly int EpochDay = new DateOnly(1970, 1, 1).DayNumber;

    // Null when valid; otherwise what is wrong.
    public static string? TryParse(ReadOnlySpan<char> text, out long unixNanoseconds)
    {
        unixNanoseconds = 0;
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || !TryDigits(text[..4], out var year) || !TryDigits(text[5..7], out var month) || !TryDigits(text[8..10], out var day)
            || !TryDigits(text[11..13], out var hour) || !TryDigits(text[14..16], out var minute) || !TryDigits(text[17..19], out var second))
        {
            return Expected;
        }

        var position = 19;
        long fraction = 0;
        if (text[position] == '.')
        {
            var start = ++position;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                // Digits beyond nanoseconds are dropped, as Go drops them.
                if (position - start < 9)
                {
                    fraction = (fraction * 10) + (text[position] - '0');
                }

                position++;
            }

            if (position == start)
            {
                return Expected;
            }

            for (var digits = position - start; digits < 9; digits++)
            {
                fraction *= 10;
            }
        }

        if (!TryOffset(text[position..], out var offsetSeconds))
        {
            return Expected;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return "a date or time field is out of range";
        }

        var seconds = ((long)(new DateOnly(year, month, day).DayNumber - EpochDay) * 86_400) + (hour * 3600) + (minute * 60) + second - offsetSeconds;
        var nanoseconds = ((Int128)seconds * 1_000_000_000) + fraction;
        if (nanoseconds < long.MinValue || nanoseconds > long.MaxValue)
        {
            return "out of range: nanoseconds since 1970 must fit in 64 bits (years 1677 to 2262)";
        }

        unixNanoseconds = (long)nanoseconds;
        return null;
    }

    private const string Expected = "expected an RFC 3339 time such as 2006-01-02T15:04:05.999999999Z or 2006-01-02T15:04:05+07:00";

    private static bool TryOffset(ReadOnlySpan<char> text, out int seconds)
    {
        seconds = 0;
        if (text is "Z")
        {
            return true;
        }

        if (text.Length != 6 || text[0] is not ('+' or '-') || text[3] != ':'
            || !TryDigits(text[1..3], out var hours) || !TryDigits(text[4..6], out var minutes) || hours > 23 || minutes > 59)
        {
            return false;
        }

        seconds = ((hours * 60) + minutes) * 60 * (text[0] == '-' ? -1 : 1);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
