using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Kapacitor.Udf.LoadTool.Reporting;

/// <summary>The report as Spectre tables (a terminal) and as JSON (<c>--json FILE</c>).</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Stdout; when redirected (CI, a file), plain text and wide enough that the tables do not wrap.</summary>
    public static IAnsiConsole CreateConsole()
    {
        var redirected = Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        if (redirected)
        {
            console.Profile.Width = 180;
        }

        return console;
    }

    public static void WriteJson(Report report, string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(report, Json));

    public static string ToJson(Report report) => JsonSerializer.Serialize(report, Json);

    public static void WriteTables(Report report, IAnsiConsole console)
    {
        var m = report.Machine;
        console.MarkupLine(Markup.Escape(
            $"{m.Date}  {m.ProcessorCount} cores, {m.CpuModel}, {m.Runtime}, load average {m.LoadAverageAtStart} -> {m.LoadAverageAtEnd}"));
        if (report.Smoke)
        {
            console.MarkupLine("[yellow]Smoke run: sizes are tiny, figures show the tool works and mean nothing else.[/]");
        }

        var runs = new Table().Title("Runs").Border(TableBorder.Rounded);
        foreach (var column in new[] { "workload", "points", "ok", "points/s", "agent CPU µs/pt", "driver CPU µs/pt", "spawn→Init ms", "Init / Restore RTT ms", "peak RSS MB", "EOF→exit ms", "keepalive RTT ms p50/p99/max (answered/sent)" })
        {
            runs.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var run in new[] { report.MovingAverage, report.Outliers }.Where(w => w is not null).SelectMany(w => w!.Runs))
        {
            runs.AddRow(
                run.Workload,
                run.Points.ToString("N0", CultureInfo.InvariantCulture),
                run.Verified ? "[green]yes[/]" : "[red]NO[/]",
                Format(run.PointsPerSecond, "N0"),
                Format(run.AgentCpuMicrosPerPoint, "0.###"),
                Format(run.DriverCpuMicrosPerPoint, "0.###"),
                Format(run.SpawnToInitMs, "0.#"),
                $"{Format(run.InitRoundTripMs, "0.##")} / {Format(run.RestoreRoundTripMs, "0.##")}",
                Format(run.PeakRssBytes / 1048576.0, "0.#"),
                Format(run.EofToExitMs, "0.#"),
                $"{Format(run.Keepalive.P50Ms, "0.##")}/{Format(run.Keepalive.P99Ms, "0.##")}/{Format(run.Keepalive.MaxMs, "0.##")} ({run.Keepalive.Answered}/{run.Keepalive.Sent})");
        }

        if (runs.Rows.Count > 0)
        {
            console.Write(runs);
        }

        var targets = new Table().Title("Against issue 7's targets").Border(TableBorder.Rounded);
        targets.AddColumn("measure");
        targets.AddColumn(new TableColumn("result").RightAligned());
        targets.AddColumn(new TableColumn("target").RightAligned());
        targets.AddColumn(new TableColumn("Go agent (reference)").RightAligned());
        targets.AddColumn("status");
        foreach (var row in TargetCheck.Rows(report))
        {
            targets.AddRow(
                Markup.Escape(row.Measure),
                Markup.Escape(row.Result),
                Markup.Escape(row.Target),
                Markup.Escape(row.Reference),
                row.Met switch
                {
                    _ when report.Smoke => "[grey]smoke[/]",
                    true => "[green]met[/]",
                    false => "[red]MISSED[/]",
                    null => "[grey]-[/]",
                });
        }

        console.Write(targets);

        foreach (var failure in Failures(report))
        {
            console.MarkupLine($"[red]FAILED[/] {Markup.Escape(failure)}");
        }
    }

    public static IEnumerable<string> Failures(Report report)
    {
        foreach (var run in new[] { report.MovingAverage, report.Outliers }.Where(w => w is not null).SelectMany(w => w!.Runs).Where(r => !r.Verified))
        {
            yield return $"{run.Workload} ({run.Points:N0} points): {run.Error}"
                + (string.IsNullOrWhiteSpace(run.StderrTail) ? "" : $"\n  UDF stderr (last lines):\n  {run.StderrTail.Replace("\n", "\n  ", StringComparison.Ordinal)}");
        }

        if (report.Info is { Verified: false } info)
        {
            yield return $"info probe: {info.Error}";
        }
    }

    internal static string Format(double? value, string format) =>
        value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
