using System.Diagnostics;
using System.Globalization;
using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.Simulator.Cli;

// Everything that is not output goes to STDERR: the UDF's own STDERR as Kapacitor logs it, violations as they
// are detected, notes and a summary. Lines from several threads are written whole, one at a time, above the progress
// line when one is shown.
internal static class Diagnostics
{
    private const string Prefix = "kapacitor-udf-sim: ";

    private static ProgressLine? s_progress;

    // Serializes every STDERR write and the progress line's redraw.
    public static object Gate { get; } = new();

    public static ProgressLine? Progress
    {
        set
        {
            lock (Gate)
            {
                s_progress = value;
            }
        }
    }

    public static void UdfLog(string line) => WriteLine($"UDF log: {line}");

    public static void Violation(Violation violation) =>
        WriteLine($"{Prefix}{violation.Phase.ToString().ToLowerInvariant()}: {violation.Kind}: {violation.Message}");

    public static void Error(string message) => WriteLine(Prefix + message);

    public static void Note(string message) => WriteLine(Prefix + message);

    public static void Summary(SimulationResult result, string udfName, RunFigures figures)
    {
        if (result.DefineError is { } defineError)
        {
            Note($"the task would not define: {defineError}");
            return;
        }

        if (result.Violations.FirstOrDefault(v => v.Kind == ViolationKind.InputFailed) is { } input)
        {
            Note($"the input is broken, so the task was stopped after {result.PointsSent:N0} point(s) (the UDF's input was closed as at the end of input): {input.Message}");
        }

        var batchesSent = result.BatchesSent > 0 ? $" in {result.BatchesSent:N0} batch(es)" : string.Empty;
        var batchesReceived = result.BatchesReceived > 0 ? $" in {result.BatchesReceived:N0} batch(es)" : string.Empty;
        Note(string.Create(CultureInfo.InvariantCulture,
            $"sent {result.PointsSent:N0} point(s){batchesSent}; received {result.PointsReceived:N0} point(s){batchesReceived}; " +
            $"keepalives {result.KeepalivesSent} sent, {result.KeepalivesAnswered} answered; " +
            $"exit code {(result.Killed ? "none (killed on request)" : result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none")}"));
        Note(figures.Describe(result.PointsSent));
        if (result.IsClean)
        {
            Note("clean: no protocol violations");
            return;
        }

        var fatal = result.Violations.FirstOrDefault(v => v.IsFatal);
        var consequence = fatal?.Phase switch
        {
            SimulationPhase.Probe => $"; kapacitord would not start: failed to load process info for \"{udfName}\": {fatal.Message}",
            SimulationPhase.Task when fatal.Kind != ViolationKind.InputFailed => $"; in Kapacitor the node would fail with: {fatal.Message}",
            _ => string.Empty,
        };
        var shown = result.ViolationCount > result.Violations.Count ? $" (the first {result.Violations.Count} shown)" : string.Empty;
        Note($"{result.ViolationCount} violation(s){shown}{consequence}");
    }

    private static void WriteLine(string line)
    {
        lock (Gate)
        {
            if (s_progress is { } progress)
            {
                progress.WriteLine(line);
            }
            else
            {
                Console.Error.WriteLine(line);
            }
        }
    }
}

// The simulator's own cost, for the summary: wall time, and on Linux its CPU (user + system, all threads) and peak
// resident memory (VmHWM) from /proc, so a user can see the simulator is not what makes a UDF slow. Rates only for
// inputs large enough that start-up (two UDF processes, the JIT) does not dominate them.
internal sealed class RunFigures
{
    private const long PointsForRates = 10_000;

    private readonly Stopwatch _wall = Stopwatch.StartNew();

    public string Describe(long points)
    {
        var wall = _wall.Elapsed;
        var rates = points >= PointsForRates;
        var rate = rates ? string.Create(CultureInfo.InvariantCulture, $" ({points / wall.TotalSeconds:N0} points/s)") : string.Empty;
        var text = string.Create(CultureInfo.InvariantCulture, $"simulator: {wall.TotalSeconds:0.0} s wall{rate}");
        if (!OperatingSystem.IsLinux())
        {
            return text;
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var perPoint = rates ? string.Create(CultureInfo.InvariantCulture, $" = {cpu.TotalMicroseconds / points:0.00} µs/point") : string.Empty;
        return text + string.Create(CultureInfo.InvariantCulture, $", {cpu.TotalSeconds:0.00} s CPU{perPoint}, peak RSS {PeakResidentMegabytes()} MB");
    }

    private static string PeakResidentMegabytes()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is not null && long.TryParse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture, out var kilobytes)
            ? (kilobytes / 1024).ToString(CultureInfo.InvariantCulture)
            : "?";
    }
}
