using Serilog;
using Serilog.Events;

namespace Kapacitor.Udf;

/// <summary>Builds the logger a UDF process uses: Serilog to STDERR, one capped line per event.</summary>
public static class UdfLogging
{
    /// <summary>The environment variable that sets the minimum level (Verbose, Debug, Information, Warning, Error).
    /// Debug adds a line per management call (Info, Init, Snapshot, Restore) and one when the input ends.</summary>
    public const string LevelVariable = "KAPACITOR_UDF_LOG_LEVEL";

    /// <summary>The same logger, built only when the first event at or above the level is written: the Info probe
    /// usually logs nothing and need not pay for building it.</summary>
    /// <returns>The logger.</returns>
    internal static ILogger CreateLazyStderrLogger()
    {
        var level = LevelFromEnvironment();
        return new LazyLogger(() => CreateStderrLogger(level), level);
    }

    /// <summary>Creates a logger that writes to STDERR only, one line per event as Kapacitor carries it
    /// (<c>2026-01-02T03:04:05.678Z E! [task=cpu node=movingAvg2] message | exception</c>, newlines folded, lines
    /// capped well under Kapacitor's 64 KiB).</summary>
    /// <param name="minimumLevel">The least severe level written; <see langword="null"/> reads
    /// <see cref="LevelVariable"/>, defaulting to Information.</param>
    /// <returns>The logger; dispose it to flush.</returns>
    public static Serilog.Core.Logger CreateStderrLogger(LogEventLevel? minimumLevel = null) =>
        new LoggerConfiguration()
            .MinimumLevel.Is(minimumLevel ?? LevelFromEnvironment())
            .WriteTo.Console(new UdfLogFormatter(), standardErrorFromLevel: LogEventLevel.Verbose)
            .CreateLogger();

    private static LogEventLevel LevelFromEnvironment() =>
        Enum.TryParse<LogEventLevel>(Environment.GetEnvironmentVariable(LevelVariable), ignoreCase: true, out var level)
            ? level
            : LogEventLevel.Information;
}
