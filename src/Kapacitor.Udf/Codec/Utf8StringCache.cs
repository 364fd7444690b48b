using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Kapacitor.Udf.Codec;

/// <summary>
/// Turns UTF-8 bytes into strings, reusing one string object for bytes seen before: measurement, database, tag keys
/// and values and field keys repeat on every point. Direct-mapped and bounded, so memory stays bounded however
/// many distinct tag values a connection carries (a newcomer simply replaces the slot's occupant); it starts at 64
/// slots and doubles while lookups keep missing (<see cref="CacheGrowth"/>). Strictly
/// validates UTF-8 (Google.Protobuf would silently substitute U+FFFD; Go's protobuf rejects it). One per connection;
/// not thread-safe.
/// </summary>
internal sealed class Utf8StringCache
{
    /// <summary>Longer strings are decoded every time: they rarely repeat and would crowd the cache.</summary>
    public const int MaxCachedLength = 64;

    private readonly int _maxSlots;
    private Entry[] _entries;
    private int _mask;
    private CacheGrowth _growth;

    public Utf8StringCache(int maxSlots = 4096, int initialSlots = 64)
    {
        if (maxSlots <= 0 || (maxSlots & (maxSlots - 1)) != 0 || initialSlots <= 0 || (initialSlots & (initialSlots - 1)) != 0 || initialSlots > maxSlots)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSlots), "slot counts must be powers of two, the initial one at most the maximum");
        }

        _maxSlots = maxSlots;
        _entries = new Entry[initialSlots];
        _mask = initialSlots - 1;
    }

    /// <summary>How many slots the cache has now (it doubles while lookups keep missing).</summary>
    public int Slots => _entries.Length;

    /// <summary>The string for <paramref name="utf8"/>, or <see langword="null"/> when it is not valid UTF-8.</summary>
    public string? GetString(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        if (utf8.Length > MaxCachedLength)
        {
            return Utf8.IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : null;
        }

        var hash = Hash(utf8);
        ref var entry = ref _entries[hash & _mask];
        if (entry.Utf8 is { } bytes && utf8.SequenceEqual(bytes))
        {
            return entry.Value;
        }

        if (!Utf8.IsValid(utf8))
        {
            return null;
        }

        if (_growth.Miss(_entries.Length, _maxSlots))
        {
            // The old entries are dropped: the strings still in use come back on their next lookup.
            _entries = new Entry[_entries.Length * 2];
            _mask = _entries.Length - 1;
            entry = ref _entries[hash & _mask];
        }

        var value = Encoding.UTF8.GetString(utf8);
        entry = new Entry(utf8.ToArray(), value);
        return value;
    }

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = (ulong)bytes.Length * 0x9E3779B97F4A7C15;
        while (bytes.Length >= 8)
        {
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes)) * 0x100000001B3;
            bytes = bytes[8..];
        }

        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 0x100000001B3;
        }

        return (int)(hash ^ (hash >> 29));
    }

    private readonly record struct Entry(byte[]? Utf8, string? Value);
}
