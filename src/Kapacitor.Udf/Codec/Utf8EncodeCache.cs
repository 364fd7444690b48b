using System.Runtime.CompilerServices;
using System.Text;

namespace Kapacitor.Udf.Codec;

/// <summary>
/// Remembers the UTF-8 bytes of strings by object identity: points echoed or built from decoded input reuse the
/// same string objects (interned by <see cref="Utf8StringCache"/>), and literals in handler code are single objects,
/// so each is encoded once. Direct-mapped and fixed-size, so memory stays bounded. Not thread-safe (used under the
/// writer's lock).
/// </summary>
internal sealed class Utf8EncodeCache
{
    private readonly (string? Key, byte[] Utf8)[] _slots;
    private readonly int _mask;

    public Utf8EncodeCache(int slots = 1024)
    {
        _slots = new (string?, byte[])[slots];
        _mask = slots - 1;
    }

    /// <summary>The UTF-8 bytes of <paramref name="text"/> (encoded as Google.Protobuf does, with
    /// <see cref="Encoding.UTF8"/>), or <see langword="null"/> for strings too long to cache.</summary>
    public byte[]? Get(string text)
    {
        if (text.Length > Utf8StringCache.MaxCachedLength)
        {
            return null;
        }

        ref var slot = ref _slots[RuntimeHelpers.GetHashCode(text) & _mask];
        if (!ReferenceEquals(slot.Key, text))
        {
            slot = (text, Encoding.UTF8.GetBytes(text));
        }

        return slot.Utf8;
    }
}
