using System.Runtime.CompilerServices;
using System.Text;

namespace Kapacitor.Udf.Codec;

/// <summary>
/// Remembers the UTF-8 bytes of strings by object identity: points echoed or built from decoded input reuse the
/// same string objects (interned by <see cref="Utf8StringCache"/>), and literals in handler code are single objects,
/// so each is encoded once. Direct-mapped and bounded (64 slots, doubling while lookups keep missing, up to
/// 1024). Not thread-safe (used under the
/// writer's lock).
/// </summary>
internal sealed class Utf8EncodeCache
{
    private readonly int _maxSlots;
    private (string? Key, byte[] Utf8)[] _slots;
    private int _mask;
    private CacheGrowth _growth;

    public Utf8EncodeCache(int maxSlots = 1024, int initialSlots = 64)
    {
        _maxSlots = maxSlots;
        _slots = new (string?, byte[])[initialSlots];
        _mask = initialSlots - 1;
    }

    /// <summary>How many slots the cache has now (it doubles while lookups keep missing).</summary>
    public int Slots => _slots.Length;

    /// <summary>The UTF-8 bytes of <paramref name="text"/> (encoded as Google.Protobuf does, with
    /// <see cref="Encoding.UTF8"/>), or <see langword="null"/> for strings too long to cache.</summary>
    public byte[]? Get(string text)
    {
        if (text.Length > Utf8StringCache.MaxCachedLength)
        {
            return null;
        }

        var hash = RuntimeHelpers.GetHashCode(text);
        ref var slot = ref _slots[hash & _mask];
        if (ReferenceEquals(slot.Key, text))
        {
            return slot.Utf8;
        }

        if (_growth.Miss(_slots.Length, _maxSlots))
        {
            _slots = new (string?, byte[])[_slots.Length * 2];
            _mask = _slots.Length - 1;
            slot = ref _slots[hash & _mask];
        }

        slot = (text, Encoding.UTF8.GetBytes(text));
        return slot.Utf8;
    }
}
