using System.Globalization;

namespace Kapacitor.Udf.LoadTool.Reporting;

/// <summary>Issue 7's targets, and the Go agent's figures on the same kind of machine, beside what was measured.</summary>
internal static class TargetCheck
{
    public const double MovingAverageMarginalMicros = 1.0;
    public const double MovingAveragePointsPerSecond = 1_000_000;
    public const double OutliersMarginalMicros = 0.5;
    public const double InfoMedianMs = 30;
    public const double EofToExitMs = 100;
    public const double PeakRssMb = 40;
    public const double KeepaliveMaxMs = 20;

    /// <summary>One line of the comparison; <see cref="Met"/> is <see langword="null"/> when there is no target or no figure.</summary>
    public sealed record Row(string Measure, string Result, string Target, string Reference, bool? Met);

    public static IEnumerable<Row> Rows(Report report)
    {
        var ma = report.MovingAverage;
        var outliers = report.Outliers;
        if (ma is not null)
        {
            var largest = Largest(ma);
            yield return new Row(
                $"moving average: marginal agent CPU per point ({Pair(ma)})",
                Micro(ma.MarginalCpuMicrosPerPoint),
                $"≤ {MovingAverageMarginalMicros} µs",
                "8.3 µs (total per point)",
                AtMost(ma.MarginalCpuMicrosPerPoint, MovingAverageMarginalMicros));
            if (ma.MarginalCheckCpuMicrosPerPoint is { } check)
            {
                yield return new Row(
                    $"moving average: marginal, cross-check ({Short(ma.MarginalLargePoints ?? 0)} vs {Short(ma.MarginalCheckLargePoints ?? 0)} points)",
                    Micro(check), "≈ the line above", "-", null);
            }

            yield return new Row("moving average: fixed CPU per run (intercept)", Ms(ma.FixedCpuMs), "-", "-", null);
            yield return new Row(
                $"moving average: plain total CPU per point ({largest?.Points:N0} points)",
                Micro(largest?.AgentCpuMicrosPerPoint), "-", "8.3 µs", null);
            yield return new Row(
                $"moving average: throughput ({largest?.Points:N0} points)",
                ReportWriter.Format(largest?.PointsPerSecond, "N0") + " points/s",
                $"≥ {MovingAveragePointsPerSecond:N0} points/s",
                "~141,000 points/s",
                largest?.PointsPerSecond is { } pps ? pps >= MovingAveragePointsPerSecond : null);
        }

        if (outliers is not null)
        {
            var largest = Largest(outliers);
            yield return new Row(
                $"outliers: marginal agent CPU per point ({Pair(outliers)})",
                Micro(outliers.MarginalCpuMicrosPerPoint),
                $"≤ {OutliersMarginalMicros} µs",
                "2.65 µs (total per point)",
                AtMost(outliers.MarginalCpuMicrosPerPoint, OutliersMarginalMicros));
            yield return new Row("outliers: fixed CPU per run (intercept)", Ms(outliers.FixedCpuMs), "-", "-", null);
            yield return new Row(
                $"outliers: plain total CPU per point ({largest?.Points:N0} points)",
                Micro(largest?.AgentCpuMicrosPerPoint), "-", "2.65 µs", null);
        }

        if (report.Info is { } info)
        {
            yield return new Row(
                $"Info probe: spawn → InfoResponse, median (p95) of {info.Runs}",
                $"{Ms(info.SpawnToInfoMedianMs)} ({Ms(info.SpawnToInfoP95Ms)})",
                $"≤ {InfoMedianMs} ms median",
                "3.9 ms",
                AtMost(info.SpawnToInfoMedianMs, InfoMedianMs));
            yield return new Row("Info probe: whole-process CPU, median", Ms(info.CpuMedianMs), "-", "-", null);
        }

        var runs = new[] { ma, outliers }.Where(w => w is not null).SelectMany(w => w!.Runs).Where(r => r.Verified).ToList();
        var eofToExit = runs.Select(r => r.EofToExitMs).Append(report.Info?.EofToExitMaxMs).Where(v => v is not null).Max();
        yield return new Row("input EOF → exit, worst run (no call in progress)", Ms(eofToExit), $"≤ {EofToExitMs} ms", "-", AtMost(eofToExit, EofToExitMs));

        var peaks = runs.Where(r => r.PeakRssBytes is not null).OrderBy(r => r.Points).ToList();
        if (peaks.Count > 0)
        {
            var max = peaks.Max(r => r.PeakRssBytes!.Value) / 1048576.0;
            var byPoints = string.Join(", ", peaks.Select(r => $"{r.PeakRssBytes / 1048576.0:0.#} MB @ {Short(r.Points)}"));
            yield return new Row($"peak RSS (VmHWM): {byPoints}", $"{max:0.#} MB", $"≤ {PeakRssMb} MB, flat", "12 MB", max <= PeakRssMb);
            var ma2 = peaks.Where(r => r.Workload == "moving-average").ToList();
            if (ma2.Count >= 2)
            {
                var growth = (ma2[^1].PeakRssBytes!.Value - ma2[0].PeakRssBytes!.Value) / 1048576.0;
                yield return new Row(
                    $"peak RSS growth, moving average {Short(ma2[0].Points)} → {Short(ma2[^1].Points)} points",
                    $"{growth:+0.#;-0.#;0} MB", "flat (≈ 0)", "-", null);
            }
        }

        var keepalive = runs.Where(r => r.Keepalive.MaxMs is not null).ToList();
        if (keepalive.Count > 0)
        {
            var worst = keepalive.Max(r => r.Keepalive.MaxMs!.Value);
            var p99 = keepalive.Max(r => r.Keepalive.P99Ms!.Value);
            var lost = keepalive.Sum(r => r.Keepalive.Sent - r.Keepalive.Answered);
            yield return new Row(
                $"keepalive round trip while streaming: worst p99 / max ({keepalive.Sum(r => r.Keepalive.Answered)} answered, {lost} unanswered)",
                $"{p99:0.##} / {worst:0.##} ms",
                $"max ≤ {KeepaliveMaxMs} ms",
                "-",
                worst <= KeepaliveMaxMs && lost == 0);
        }
    }

    /// <summary>Whether every target that has a figure was met.</summary>
    public static bool AllMet(Report report) => Rows(report).All(r => r.Met != false);

    private static bool? AtMost(double? value, double limit) => value is { } v ? v <= limit : null;

    private static RunResult? Largest(WorkloadResult w) => w.Runs.Where(r => r.Verified).MaxBy(r => r.Points);

    private static string Pair(WorkloadResult w) =>
        w.MarginalSmallPoints is { } s && w.MarginalLargePoints is { } l ? $"{Short(s)} vs {Short(l)} points" : "needs two sizes";

    private static string Micro(double? v) => v is null ? "-" : $"{ReportWriter.Format(v, "0.###")} µs";

    private static string Ms(double? v) => v is null ? "-" : $"{ReportWriter.Format(v, "0.#")} ms";

    private static string Short(long points) => points switch
    {
        >= 1_000_000 when points % 1_000_000 == 0 => $"{points / 1_000_000}M",
        >= 1_000 when points % 1_000 == 0 => $"{points / 1_000}k",
        _ => points.ToString("N0", CultureInfo.InvariantCulture),
    };
}
