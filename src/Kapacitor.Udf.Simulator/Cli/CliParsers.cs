using System.CommandLine.Parsing;
using System.Globalization;

namespace Kapacitor.Udf.Simulator.Cli;

// Text forms the command line accepts for durations and times.
internal static class CliParsers
{
    // Go/Kapacitor style: one or more number+unit pairs, e.g. 10s, 1m30s, 500ms, 1.5h, 2d, 1w.
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var span = text.AsSpan().Trim();
        if (span.IsEmpty)
        {
            return false;
        }

        decimal totalNanoseconds = 0;
        while (!span.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || span[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !decimal.TryParse(span[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            span = span[numberLength..];
            var unitLength = 0;
            while (unitLength < span.Length && !char.IsAsciiDigit(span[unitLength]) && span[unitLength] != '.')
            {
                unitLength++;
            }

            decimal? unit = span[..unitLength] switch
            {
                "ns" => 1m,
                "us" or "µs" or "u" or "µ" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                "d" => 86_400_000_000_000m,
                "w" => 604_800_000_000_000m,
                _ => null,
            };
            if (unit is null)
            {
                return false;
            }

            totalNanoseconds += number * unit.Value;
            span = span[unitLength..];
        }

        if (totalNanoseconds / 100 > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)(totalNanoseconds / 100));
        return true;
    }

    public static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[^1].Value;
        if (!TryParseDuration(text, out var duration) || duration <= TimeSpan.Zero)
        {
            var option = (result.Parent as OptionResult)?.Option.Name ?? "the duration";
            result.AddError($"invalid {option} '{text}': expected a positive duration such as 10s, 500ms, 1m30s, 1h, 1d");
        }

        return duration;
    }

    // "now", an RFC 3339 time, or integer nanoseconds since the Unix epoch.
    public static long ParseStartTime(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[^1].Value;
        if (text == "now")
        {
            return (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var nanoseconds))
        {
            return nanoseconds;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return (time - DateTimeOffset.UnixEpoch).Ticks * 100;
        }

        result.AddError($"invalid start time '{text}': expected now, an RFC 3339 time (2024-01-01T00:00:00Z) or integer nanoseconds since the Unix epoch");
        return 0;
    }
}
