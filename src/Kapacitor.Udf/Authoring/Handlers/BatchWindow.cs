namespace Kapacitor.Udf;

/// <summary>Where a <see cref="StreamToBatchUdf{TOptions}"/> cuts each group's stream into batches.</summary>
public sealed class BatchWindow
{
    private BatchWindow(int count, long periodNanoseconds)
    {
        Count = count;
        PeriodNanoseconds = periodNanoseconds;
    }

    /// <summary>The points per batch, or 0 when cutting by time.</summary>
    public int Count { get; }

    /// <summary>The batch period in nanoseconds, or 0 when cutting by count.</summary>
    public long PeriodNanoseconds { get; }

    /// <summary>A batch every <paramref name="count"/> points of a group; its tmax is the time of its last point.
    /// A partial batch at the end of the input is not emitted.</summary>
    /// <param name="count">Points per batch, at least 1.</param>
    /// <returns>The rule.</returns>
    public static BatchWindow ByCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return new BatchWindow(count, 0);
    }

    /// <summary>
    /// Batches of a group's points in windows of <paramref name="period"/> aligned to the Unix epoch, like
    /// <c>window().period(p).every(p).align()</c>; a window's tmax is its end. A window is emitted when a point of its
    /// group arrives at or after that end (point time drives it, not the clock); a point earlier than the open window
    /// joins it. Windows without points are not emitted, and neither is the open window when the input ends.
    /// </summary>
    /// <param name="period">The window length; a positive whole number of 100 ns ticks.</param>
    /// <returns>The rule.</returns>
    public static BatchWindow ByPeriod(TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        return new BatchWindow(0, checked(period.Ticks * TimeSpan.NanosecondsPerTick));
    }

    /// <summary>Batches in windows of <paramref name="nanoseconds"/> (see <see cref="ByPeriod(TimeSpan)"/>).</summary>
    /// <param name="nanoseconds">The window length in nanoseconds, at least 1.</param>
    /// <returns>The rule.</returns>
    public static BatchWindow ByPeriod(long nanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nanoseconds, 1);
        return new BatchWindow(0, nanoseconds);
    }
}
