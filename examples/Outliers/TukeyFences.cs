namespace Kapacitor.Udf.Examples.Outliers;

/// <summary>
/// Kapacitor's outliers example (outliers.go, outliers.py): Tukey fences with its exact index rules, including the
/// off-by-one "median" of an even-length slice (indexes m and m+1, not m-1 and m).
/// </summary>
/// <remarks>
/// Where Go panics we degrade gracefully: fewer than 3 values give no outliers, and the right median index is
/// clamped to the last element (as Python does), which matters for 5 and 6 values.
/// </remarks>
internal static class TukeyFences
{
    /// <summary>The indexes (into <paramref name="values"/>, ascending) of the outliers: lower ones first.</summary>
    /// <param name="values">The batch's values, sorted ascending (stable, so ties keep input order).</param>
    /// <param name="scale">The fence multiplier (1.5 by default).</param>
    /// <returns>Indexes into <paramref name="values"/>.</returns>
    public static List<int> Outliers(IReadOnlyList<double> values, double scale)
    {
        var outliers = new List<int>();
        var n = values.Count;
        if (n < 3)
        {
            return outliers;
        }

        var (ml, mr, _) = Median(values, 0, n);
        var (_, first, fq) = Median(values, 0, mr);
        var (third, _, tq) = Median(values, ml + 1, n - (ml + 1));
        var iqr = tq - fq;
        var lower = fq - iqr * scale;
        var upper = tq + iqr * scale;

        for (var i = 0; i < first && values[i] < lower; i++)
        {
            outliers.Add(i);
        }

        // "third" is relative to its sub-slice, as in Kapacitor's code; since iqr >= 0 this never changes the result.
        for (var i = third + 1; i < n; i++)
        {
            if (values[i] > upper)
            {
                outliers.Add(i);
            }
        }

        return outliers;
    }

    // The median of values[start..start+length): left and right indexes relative to the slice, and the value.
    private static (int Left, int Right, double Median) Median(IReadOnlyList<double> values, int start, int length)
    {
        var m = length / 2;
        if (length % 2 == 1)
        {
            return (m, m, values[start + m]);
        }

        var right = Math.Min(m + 1, length - 1);
        return (m, right, (values[start + m] + values[start + right]) / 2.0);
    }
}
