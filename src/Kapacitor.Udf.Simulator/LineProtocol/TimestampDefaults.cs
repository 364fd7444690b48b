namespace Kapacitor.Udf.Simulator.LineProtocol;

/// <summary>
/// What time a line without a timestamp gets: the first such point (when no earlier line had a time) gets
/// <see cref="Start"/>; every later one gets the previous point's time plus <see cref="Step"/>. Deterministic on purpose,
/// unlike InfluxDB's "now": the same input always produces the same requests, so runs can be compared.
/// </summary>
/// <param name="Start">Unix nanoseconds for the first point when nothing earlier had a time (default 0, the epoch).</param>
/// <param name="Step">Nanoseconds added to the previous point's time (default one second).</param>
public readonly record struct TimestampDefaults(long Start, long Step)
{
    /// <summary>Start at the Unix epoch, one second apart.</summary>
    public static TimestampDefaults Default { get; } = new(0, 1_000_000_000);
}
