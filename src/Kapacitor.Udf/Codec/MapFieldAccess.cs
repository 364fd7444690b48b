using System.Runtime.CompilerServices;
using Google.Protobuf.Collections;

namespace Kapacitor.Udf.Codec;

/// <summary>
/// The insertion-ordered list and the key index inside a <see cref="MapField{TKey,TValue}"/>. Enumerating a MapField
/// boxes its enumerator (one allocation per map per point); walking the list's nodes allocates nothing and yields the
/// same order Google.Protobuf serializes. Every entry MapField adds is a new list node; <see cref="MapNodePool{TKey,TValue}"/>
/// reuses them through the index. Bound to Google.Protobuf's private fields by name: a rename shows up as a
/// <see cref="MissingFieldException"/> in the codec tests, not as wrong bytes.
/// </summary>
internal static class MapFieldAccess<TKey, TValue>
    where TKey : notnull
{
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "list")]
    public static extern ref LinkedList<KeyValuePair<TKey, TValue>> Entries(MapField<TKey, TValue> map);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "map")]
    public static extern ref Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>> Index(MapField<TKey, TValue> map);
}
