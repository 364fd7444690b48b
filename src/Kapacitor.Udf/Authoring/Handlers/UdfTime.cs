namespace Kapacitor.Udf;

/// <summary>
/// Kapacitor's times are int64 nanoseconds since the Unix epoch (UTC); keep them as <see cref="long"/>. These convert
/// to and from .NET's 100 ns ticks without losing precision silently: a time that is not a whole number of ticks is an
/// error unless truncation is asked for by name.
/// </summary>
public static class UdfTime
{
    /// <summary>A .NET time as Kapacitor nanoseconds (exact: every tick is 100 ns).</summary>
    /// <param name="time">The time.</param>
    /// <returns>Nanoseconds since the Unix epoch.</returns>
    /// <exception cref="OverflowException">The time is outside int64 nanoseconds (years 1677 to 2262).</exception>
    public static long FromDateTimeOffset(DateTimeOffset time) =>
        checked((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * TimeSpan.NanosecondsPerTick);

    /// <summary>Kapacitor nanoseconds as a .NET time.</summary>
    /// <param name="nanoseconds">Nanoseconds since the Unix epoch.</param>
    /// <returns>The UTC time.</returns>
    /// <exception cref="ArgumentException">The time is not a whole number of 100 ns ticks, so it would be rounded;
    /// use <see cref="ToDateTimeOffsetTruncated"/> if that is acceptable.</exception>
    public static DateTimeOffset ToDateTimeOffset(long nanoseconds) =>
        nanoseconds % TimeSpan.NanosecondsPerTick == 0
            ? DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / TimeSpan.NanosecondsPerTick)
            : throw new ArgumentException(
                $"{nanoseconds} ns is not a whole number of 100 ns ticks, so a DateTimeOffset would lose {nanoseconds % TimeSpan.NanosecondsPerTick} ns; use ToDateTimeOffsetTruncated to accept that",
                nameof(nanoseconds));

    /// <summary>Kapacitor nanoseconds as a .NET time, dropping the sub-tick nanoseconds (towards the earlier time).</summary>
    /// <param name="nanoseconds">Nanoseconds since the Unix epoch.</param>
    /// <returns>The UTC time, at most 99 ns earlier.</returns>
    public static DateTimeOffset ToDateTimeOffsetTruncated(long nanoseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(Math.DivRem(nanoseconds, TimeSpan.NanosecondsPerTick) switch
        {
            (var ticks, < 0) => ticks - 1,
            (var ticks, _) => ticks,
        });

    /// <summary>A duration as nanoseconds (exact).</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>Nanoseconds.</returns>
    /// <exception cref="OverflowException">It is beyond int64 nanoseconds (about ±292 years).</exception>
    public static long Nanoseconds(TimeSpan duration) => checked(duration.Ticks * TimeSpan.NanosecondsPerTick);
}
