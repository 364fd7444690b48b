namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>Where Kapacitor's <c>window().align()</c> puts window boundaries.</summary>
public static class WindowAlignment
{
    // Nanoseconds from Go's zero time (0001-01-01T00:00:00Z) to the Unix epoch: 719162 days.
    private static readonly Int128 ZeroTimeToEpoch = (Int128)719_162 * 86_400 * 1_000_000_000;

    /// <summary>
    /// Rounds <paramref name="time"/> down to a multiple of <paramref name="period"/> the way Go's
    /// <c>time.Time.Truncate</c> does, which the window node uses: multiples since Go's zero time (year 1), not since
    /// the Unix epoch. The two agree for every period that divides a day (1s, 5m, 1h, 1d...); they differ for e.g. 7s or 1w.
    /// </summary>
    /// <param name="time">Unix nanoseconds.</param>
    /// <param name="period">The period in nanoseconds, positive.</param>
    /// <returns>The start of the window holding <paramref name="time"/>, in Unix nanoseconds.</returns>
    public static long Truncate(long time, long period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        // Always positive: the smallest long is only about 292 years before 1970.
        var sinceZeroTime = (Int128)time + ZeroTimeToEpoch;
        return time - (long)(sinceZeroTime % period);
    }
}
