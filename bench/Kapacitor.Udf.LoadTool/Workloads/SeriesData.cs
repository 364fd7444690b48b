namespace Kapacitor.Udf.LoadTool.Workloads;

/// <summary>Deterministic, realistic-looking data: full-precision doubles, one point every 10 s.</summary>
internal static class SeriesData
{
    /// <summary>2023-11-14T22:13:20Z in Unix nanoseconds. Every time the tool sends lies in [2^56, 2^63), so it
    /// encodes as a 9-byte varint and every frame of a workload has the same length.</summary>
    public const long BaseTime = 1_700_000_000_000_000_000;

    /// <summary>10 s between points, a typical Telegraf interval.</summary>
    public const long Step = 10_000_000_000;

    /// <summary>The time of point <paramref name="index"/>.</summary>
    public static long TimeOf(long index) => BaseTime + index * Step;

    /// <summary>A CPU-usage-like series: a slow wave plus noise, in [0, 100).</summary>
    public static double[] Usage(int count, ulong seed)
    {
        var random = new SplitMix64(seed);
        var values = new double[count];
        for (var i = 0; i < values.Length; i++)
        {
            var wave = 15 * Math.Sin(i * (2 * Math.PI / 360));
            values[i] = Math.Clamp(45 + wave + (10 * random.NextDouble()) - 5, 0, 99.999);
        }

        return values;
    }
}

/// <summary>A small, fast, seedable generator (SplitMix64), so data never depends on the runtime's Random.</summary>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Normal(mean, sd) by Box-Muller.</summary>
    public double NextNormal(double mean, double sd)
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return mean + (sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => (int)(Next() % (ulong)n);
}
