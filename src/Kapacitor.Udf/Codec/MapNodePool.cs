using Google.Protobuf.Collections;

namespace Kapacitor.Udf.Codec;

/// <summary>
/// Clears and fills the maps of a reused point without a new list node per entry (MapField allocates one for every
/// entry it adds: four per moving-average point, most of the agent's garbage). The maps end up exactly as
/// <see cref="MapField{TKey,TValue}.Clear"/> and the indexer leave them: same entries, same order. One per decoder;
/// not thread-safe.
/// </summary>
internal sealed class MapNodePool<TKey, TValue>
    where TKey : notnull
{
    // More entries than a point usually has in one map; a map with more gives the rest back to the collector.
    private const int MaxPooled = 64;

    private readonly Stack<LinkedListNode<KeyValuePair<TKey, TValue>>> _free = new();

    /// <summary>Empties <paramref name="map"/>, keeping its nodes for <see cref="Set"/>.</summary>
    public void Clear(MapField<TKey, TValue> map)
    {
        if (!MapFieldAccess.IsAvailable)
        {
            map.Clear();
            return;
        }

        var entries = MapFieldAccess<TKey, TValue>.Entries(map);
        if (entries.Count == 0)
        {
            return;
        }

        MapFieldAccess<TKey, TValue>.Index(map).Clear();
        while (entries.First is { } node)
        {
            entries.Remove(node);
            if (_free.Count < MaxPooled)
            {
                _free.Push(node);
            }
        }
    }

    /// <summary><c>map[key] = value</c>: an existing key keeps its position and takes the new value; a new key is
    /// appended, in a pooled node when there is one.</summary>
    public void Set(MapField<TKey, TValue> map, TKey key, TValue value)
    {
        if (!MapFieldAccess.IsAvailable)
        {
            map[key] = value;
            return;
        }

        var index = MapFieldAccess<TKey, TValue>.Index(map);
        var entry = new KeyValuePair<TKey, TValue>(key, value);
        if (index.TryGetValue(key, out var node))
        {
            node.Value = entry;
        }
        else if (_free.TryPop(out node))
        {
            node.Value = entry;
            MapFieldAccess<TKey, TValue>.Entries(map).AddLast(node);
            index.Add(key, node);
        }
        else
        {
            map[key] = value;
        }
    }
}
