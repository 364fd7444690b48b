namespace Kapacitor.Udf.Codec;

/// <summary>
/// When a direct-mapped cache doubles: after more misses than four times its size since it last grew. Caches start
/// small, so a connection that sees few strings (most of them, and every idle one) holds about a kilobyte, and one
/// that keeps missing grows to its maximum. Only misses are counted: a hit costs nothing extra.
/// </summary>
internal struct CacheGrowth
{
    private int _misses;

    /// <summary>Counts one miss.</summary>
    /// <returns>Whether the cache of <paramref name="slots"/> slots should double now.</returns>
    public bool Miss(int slots, int maxSlots)
    {
        if (++_misses <= slots * 4 || slots >= maxSlots)
        {
            return false;
        }

        _misses = 0;
        return true;
    }
}
