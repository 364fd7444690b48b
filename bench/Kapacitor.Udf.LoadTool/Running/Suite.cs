using Kapacitor.Udf.LoadTool.Measurement;
using Kapacitor.Udf.LoadTool.Reporting;
using Kapacitor.Udf.LoadTool.Targets;
using Kapacitor.Udf.LoadTool.Workloads;

namespace Kapacitor.Udf.LoadTool.Running;

/// <summary>A workload at several sizes, repeated, and the marginal cost per point from the first two sizes.</summary>
internal static class Suite
{
    /// <summary>Runs every size of <paramref name="sizes"/> <paramref name="repeat"/> times, building each size's input
    /// once, before any process starts. The marginal figure comes from the first two sizes (per-size medians).</summary>
    public static WorkloadResult Run(
        IUdfTargetFactory factory,
        IReadOnlyList<long> sizes,
        int repeat,
        Func<long, IWorkload> build,
        LoadOptions options,
        TextWriter progress)
    {
        var bySize = new List<List<RunResult>>();
        var name = "?";
        foreach (var size in sizes)
        {
            var runs = new List<RunResult>();
            bySize.Add(runs);
            var workload = build(size);
            name = workload.Name;
            for (var r = 0; r < repeat; r++)
            {
                progress.Write($"{workload.Name}: {workload.Points:N0} points, run {r + 1}/{repeat} ... ");
                var result = LoadRun.Execute(factory, workload, options);
                progress.WriteLine(result.Verified
                    ? $"verified; {result.PointsPerSecond:N0} points/s, {result.AgentCpuMicrosPerPoint:0.###} µs agent CPU/point, peak RSS {result.PeakRssBytes / 1048576.0:0.#} MB"
                    : $"FAILED: {result.Error}");
                runs.Add(result);
                if (!result.Verified)
                {
                    return Summarize(name, factory, bySize);
                }
            }

            // Drop this size's input before building the next (a 10M-point input is about a gigabyte).
            workload = null;
            GC.Collect();
        }

        return Summarize(name, factory, bySize);
    }

    private static WorkloadResult Summarize(string name, IUdfTargetFactory factory, List<List<RunResult>> bySize)
    {
        double? marginal = null, fixedMs = null;
        long? small = null, large = null;
        if (bySize.Count >= 2 && bySize[0].Count > 0 && bySize[1].Count > 0 && bySize.Take(2).All(s => s.All(r => r.Verified)))
        {
            small = bySize[0][0].Points;
            large = bySize[1][0].Points;
            var cpuSmall = MedianCpu(bySize[0]);
            var cpuLarge = MedianCpu(bySize[1]);
            if (cpuSmall is not null && cpuLarge is not null && large != small)
            {
                var perPoint = (cpuLarge.Value - cpuSmall.Value) / (large.Value - small.Value);
                marginal = perPoint * 1e6;
                fixedMs = (cpuSmall.Value - (small.Value * perPoint)) * 1e3;
            }
        }

        double? check = null;
        long? checkLarge = null;
        if (bySize.Count >= 3 && bySize.Take(3).All(s => s.Count > 0 && s.All(r => r.Verified))
            && MedianCpu(bySize[1]) is { } cpu1 && MedianCpu(bySize[2]) is { } cpu2 && bySize[2][0].Points != bySize[1][0].Points)
        {
            checkLarge = bySize[2][0].Points;
            check = (cpu2 - cpu1) / (checkLarge.Value - bySize[1][0].Points) * 1e6;
        }

        return new WorkloadResult
        {
            MarginalCheckCpuMicrosPerPoint = check,
            MarginalCheckLargePoints = checkLarge,
            Workload = name,
            Target = factory.Description,
            Runs = [.. bySize.SelectMany(s => s)],
            MarginalCpuMicrosPerPoint = marginal,
            FixedCpuMs = fixedMs,
            MarginalSmallPoints = small,
            MarginalLargePoints = large,
        };
    }

    private static double? MedianCpu(List<RunResult> runs) =>
        Stats.Median(runs.Where(r => r.AgentCpuSeconds is not null).Select(r => r.AgentCpuSeconds!.Value).ToList());
}
