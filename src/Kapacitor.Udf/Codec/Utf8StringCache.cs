using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Kapacitor.Udf.Codec;

/// <summary>
/// Turns UTF-8 bytes into strings, reusing one string object for bytes seen before: measurement, database, tag keys
/// and values and field keys repeat on every point. Direct-mapped and fixed-size, so memory stays bounded however
/// many distinct tag values a connection carries (a newcomer simply replaces the slot's occupant). Strictly
/// validates UTF-8 (Google.Protobuf would silently substitute U+FFFD; Go's protobuf rejects it). One per connection;
/// not thread-safe.
/// </summary>
internal sealed class Utf8StringCache
{
    /// <summary>Longer strings are decoded every time: they rarely repeat and would crowd the cache.</summary>
    public const int MaxCachedLength = 64;

    private readonly Entry[] _entries;
    private readonly int _mask;

    public Utf8StringCache(int slots = 4096)
    {
        if (slots <= 0 || (slots & (slots - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slots), "must be a power of two");
        }

        _entries = new Entry[slots];
        _mask = slots - 1;
    }

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

        ref var entry = ref _entries[Hash(utf8) & _mask];
        if (entry.Utf8 is { } bytes && utf8.SequenceEqual(bytes))
        {
            return entry.Value;
        }

        if (!Utf8.IsValid(utf8))
        {
            return null;
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
