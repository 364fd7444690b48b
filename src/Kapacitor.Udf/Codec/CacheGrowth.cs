namespace Kapacitor.Udf.Codec;

/// <summary>
/// When a direct-mapped cache doubles: when more than one lookup in eight missed over the last 16 × size lookups.
/// Caches start small, so a connection that sees a few strings (most of them, and every idle one) holds about a
/// kilobyte, and one that sees many grows to its maximum.
/// </summary>
internal struct CacheGrowth
{
    private int _left;
    private int _misses;

    /// <summary>Counts one lookup: a decrement and an add on the hot path, the decision once per window.</summary>
    /// <returns>Whether the cache of <paramref name="slots"/> slots should double now.</returns>
    public bool Record(bool miss, int slots, int maxSlots)
    {
        _misses += miss ? 1 : 0;
        if (--_left > 0)
        {
            return false;
        }

        var grow = _misses > slots * 2 && slots < maxSlots;
        _left = slots * 16;
        _misses = 0;
        return grow;
    }
}
