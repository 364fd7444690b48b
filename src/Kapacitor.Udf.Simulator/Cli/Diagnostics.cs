using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.Simulator.Cli;

// Everything that is not output goes to STDERR: the UDF's own STDERR as Kapacitor logs it, violations as they
// are detected, and a summary.
internal static class Diagnostics
{
    private const string Prefix = "kapacitor-udf-sim: ";

    public static void UdfLog(string line) => Console.Error.WriteLine($"UDF log: {line}");

    public static void Violation(Violation violation) =>
        Console.Error.WriteLine($"{Prefix}{violation.Phase.ToString().ToLowerInvariant()}: {violation.Kind}: {violation.Message}");

    public static void Error(string message) => Console.Error.WriteLine(Prefix + message);

    public static void Note(string message) => Console.Error.WriteLine(Prefix + message);

    public static void Summary(SimulationResult result, string udfName)
    {
        if (result.DefineError is { } defineError)
        {
            Note($"the task would not define: {defineError}");
            return;
        }

        var points = result.Points.Count;
        var batches = result.Batches.Count(b => b.End is not null);
        Note($"sent {result.PointsSent} point(s){(result.BatchesSent > 0 ? $" in {result.BatchesSent} batch(es)" : string.Empty)}; " +
             $"received {points} point(s) and {batches} batch(es); keepalives {result.KeepalivesSent} sent, {result.KeepalivesAnswered} answered; " +
             $"exit code {(result.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none")}");
        if (result.IsClean)
        {
            Note("clean: no protocol violations");
            return;
        }

        var fatal = result.Violations.FirstOrDefault(v => v.IsFatal);
        var consequence = fatal?.Phase switch
        {
            SimulationPhase.Probe => $"; kapacitord would not start: failed to load process info for \"{udfName}\": {fatal.Message}",
            SimulationPhase.Task => $"; in Kapacitor the node would fail with: {fatal.Message}",
            _ => string.Empty,
        };
        Note($"{result.Violations.Count} violation(s){consequence}");
    }
}
