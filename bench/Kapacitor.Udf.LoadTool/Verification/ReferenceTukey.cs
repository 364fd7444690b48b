namespace Kapacitor.Udf.LoadTool.Verification;

/// <summary>
/// Kapacitor's outliers example (reference §5.2), written independently of examples/Outliers: a stable sort by value,
/// its off-by-one medians, Tukey fences, lower outliers while below the fence then every upper one; fewer than
/// 3 values give none, and the right median index is clamped to the slice (Python's behaviour).
/// </summary>
internal static class ReferenceTukey
{
    /// <summary>The indexes (into the batch, in input order) of the outliers, in output order.</summary>
    public static List<int> Outliers(IReadOnlyList<double> batch, double scale)
    {
        var n = batch.Count;
        var order = Enumerable.Range(0, n).OrderBy(i => batch[i]).ToArray(); // OrderBy is stable: ties keep input order
        var result = new List<int>();
        if (n < 3)
        {
            return result;
        }

        double Value(int sortedIndex) => batch[order[sortedIndex]];

        (int Left, int Right, double Median) Median(int start, int length)
        {
            var m = length / 2;
            if (length % 2 == 1)
            {
                return (m, m, Value(start + m));
            }

            var right = Math.Min(m + 1, length - 1);
            return (m, right, (Value(start + m) + Value(start + right)) / 2.0);
        }

        var (ml, mr, _) = Median(0, n);
        var (_, first, fq) = Median(0, mr);
        var (third, _, tq) = Median(ml + 1, n - (ml + 1));
        var iqr = tq - fq;
        var lower = fq - iqr * scale;
        var upper = tq + iqr * scale;

        for (var i = 0; i < first && Value(i) < lower; i++)
        {
            result.Add(order[i]);
        }

        for (var i = third + 1; i < n; i++)
        {
            if (Value(i) > upper)
            {
                result.Add(order[i]);
            }
        }

        return result;
    }
}
