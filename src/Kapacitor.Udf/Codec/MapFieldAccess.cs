using System.Runtime.CompilerServices;
using Google.Protobuf.Collections;

namespace Kapacitor.Udf.Codec;

/// <summary>
/// The insertion-ordered list and the key index inside a <see cref="MapField{TKey,TValue}"/>. Enumerating a MapField
/// boxes its enumerator (one allocation per map per point); walking the list's nodes allocates nothing and yields the
/// same order Google.Protobuf serializes. Every entry MapField adds is a new list node;
/// <see cref="MapNodePool{TKey,TValue}"/> reuses them through the index. Bound to private fields of Google.Protobuf by
/// name, so used only after <see cref="MapFieldAccess.IsAvailable"/> has confirmed them.
/// </summary>
internal static class MapFieldAccess<TKey, TValue>
    where TKey : notnull
{
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "list")]
    public static extern ref LinkedList<KeyValuePair<TKey, TValue>> Entries(MapField<TKey, TValue> map);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "map")]
    public static extern ref Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>> Index(MapField<TKey, TValue> map);
}

/// <summary>Whether <see cref="MapFieldAccess{TKey,TValue}"/> works with the Google.Protobuf loaded at run time.</summary>
/// <remarks>The package allows a range of Google.Protobuf versions, and an application may load a newer one than we
/// tested, in which the private field may be renamed, retyped or used differently. So it is checked once, at first use,
/// for each map type the codec touches; when it fails, the encoder declines every message and Google.Protobuf's own
/// (public, slower) serializer writes it, and the decoder's node pools use the public indexer and Clear: the same
/// bytes and maps, never wrong ones. Silent by design: a flag, no log line.</remarks>
internal static class MapFieldAccess
{
    /// <summary>Whether the private list is there and holds every map's entries in insertion order, and the private
    /// index maps each key to its node.</summary>
    public static bool IsAvailable { get; } =
        Probe("b", "a", static m => MapFieldAccess<string, string>.Entries(m)) && ProbeIndex("b", "a", static m => MapFieldAccess<string, string>.Index(m))
        && Probe(2.0, 1.0, static m => MapFieldAccess<string, double>.Entries(m)) && ProbeIndex(2.0, 1.0, static m => MapFieldAccess<string, double>.Index(m))
        && Probe(2L, 1L, static m => MapFieldAccess<string, long>.Entries(m)) && ProbeIndex(2L, 1L, static m => MapFieldAccess<string, long>.Index(m))
        && Probe(true, false, static m => MapFieldAccess<string, bool>.Entries(m)) && ProbeIndex(true, false, static m => MapFieldAccess<string, bool>.Index(m));

    /// <summary>Checks an accessor on a two-entry map inserted out of key order: the list must hold exactly those
    /// entries, in insertion order.</summary>
    internal static bool Probe<TValue>(TValue first, TValue second, Func<MapField<string, TValue>, LinkedList<KeyValuePair<string, TValue>>?> entries)
    {
        var map = new MapField<string, TValue> { { "b", first }, { "a", second } };
        try
        {
            return entries(map) is { Count: 2 } list
                && list.First!.Value.Key == "b" && EqualityComparer<TValue>.Default.Equals(list.First.Value.Value, first)
                && list.Last!.Value.Key == "a" && EqualityComparer<TValue>.Default.Equals(list.Last.Value.Value, second);
        }
        catch (MissingMemberException)
        {
            // The field is gone or has another type: UnsafeAccessor reports either as MissingFieldException.
            return false;
        }
    }

    /// <summary>Checks an index accessor on the same two-entry map: each key must lead to its own entry.</summary>
    internal static bool ProbeIndex<TValue>(TValue first, TValue second, Func<MapField<string, TValue>, Dictionary<string, LinkedListNode<KeyValuePair<string, TValue>>>?> index)
    {
        var map = new MapField<string, TValue> { { "b", first }, { "a", second } };
        try
        {
            return index(map) is { Count: 2 } nodes
                && nodes.TryGetValue("b", out var b) && EqualityComparer<TValue>.Default.Equals(b.Value.Value, first)
                && nodes.TryGetValue("a", out var a) && EqualityComparer<TValue>.Default.Equals(a.Value.Value, second)
                && b.Next == a;
        }
        catch (MissingMemberException)
        {
            return false;
        }
    }
}
