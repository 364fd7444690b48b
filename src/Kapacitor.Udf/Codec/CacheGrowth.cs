namespace Kapacitor.Udf.Codec;

/// <summary>
/// When a direct-mapped cache doubles: when more than one lookup in eight missed over the last 16 × size lookups.
/// Caches start small, so a connection that sees a few strings (most of them, and every idle one) holds a few
/// hundred bytes, and one that sees many grows to its maximum.
/// </summary>
internal struct CacheGrowth
{
    private int _lookups;
    private int _misses;

    /// <summary>Counts one lookup.</summary>
    /// <returns>Whether the cache of <paramref name="slots"/> slots should double now.</returns>
    public bool Record(bool miss, int slots, int maxSlots)
    {
        if (miss)
        {
            _misses++;
        }

        if (++_lookups < slots * 16)
        {
            return false;
        }

        var grow = _misses > slots * 2 && slots < maxSlots;
        _lookups = 0;
        _misses = 0;
        return grow;
    }
}
