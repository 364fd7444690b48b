namespace Kapacitor.Udf.LoadTool.Measurement;

/// <summary>Order statistics over a handful to a few thousand samples.</summary>
internal static class Stats
{
    /// <summary>The nearest-rank percentile (p in [0, 100]) of <paramref name="values"/>; <see langword="null"/> when empty.</summary>
    public static double? Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double? Median(IReadOnlyCollection<double> values) => Percentile(values, 50);
}
