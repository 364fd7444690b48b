using System.CommandLine.Parsing;
using System.Globalization;

namespace Kapacitor.Udf.Simulator.Cli;

// Text forms the command line accepts for durations and times.
internal static class CliParsers
{
    public static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[^1].Value;
        // The agent's own duration syntax (Go/Kapacitor: 10s, 1m30s, 500ms, 1.5h, 2d, 1w), so both read the same.
        if (!LimitSyntax.TryParseDuration(text.Trim(), out var duration) || duration <= TimeSpan.Zero)
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
