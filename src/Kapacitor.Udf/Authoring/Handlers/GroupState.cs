using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// State per group, keyed by the group ID Kapacitor sends (<c>point.group</c>, <c>batch.group</c>): created on a
/// group's first point, then found with one lookup per point.
/// </summary>
/// <remarks>
/// Not thread-safe; it needs no lock inside a handler, which the agent calls one call at a time. It is an
/// <see cref="IReadOnlyDictionary{TKey, TValue}"/>, so <c>UseSnapshots&lt;IReadOnlyDictionary&lt;string, T&gt;&gt;(1, () =&gt; groups, groups.Load)</c>
/// keeps it in snapshots.
/// </remarks>
/// <typeparam name="TState">The state of one group.</typeparam>
public sealed class GroupState<TState> : IReadOnlyDictionary<string, TState>
{
    private readonly Func<string, TState> _create;
    private Dictionary<string, TState> _groups = new(StringComparer.Ordinal);

    /// <summary>Creates an empty set of groups.</summary>
    /// <param name="create">Makes a new group's state from its group ID. Called once per group, on its first point.</param>
    public GroupState(Func<string, TState> create) => _create = create ?? throw new ArgumentNullException(nameof(create));

    /// <summary>The number of groups.</summary>
    public int Count => _groups.Count;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _groups.Keys;

    /// <inheritdoc />
    public IEnumerable<TState> Values => _groups.Values;

    /// <inheritdoc />
    public TState this[string key] => _groups[key];

    /// <summary>The state of the point's group, created if this is its first point.</summary>
    /// <param name="point">A stream or batch point.</param>
    /// <returns>The group's state.</returns>
    public TState For(Point point)
    {
        ArgumentNullException.ThrowIfNull(point);
        return For(point.Group);
    }

    /// <summary>The state of a group, created if it has none yet.</summary>
    /// <param name="group">The group ID.</param>
    /// <returns>The group's state.</returns>
    public TState For(string group)
    {
        if (_groups.TryGetValue(group, out var state))
        {
            return state;
        }

        state = _create(group);
        _groups.Add(group, state);
        return state;
    }

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TState value) => _groups.TryGetValue(key, out value);

    /// <inheritdoc />
    public bool ContainsKey(string key) => _groups.ContainsKey(key);

    /// <summary>Forgets a group (for example one that went quiet).</summary>
    /// <param name="group">The group ID.</param>
    /// <returns>Whether it existed.</returns>
    public bool Remove(string group) => _groups.Remove(group);

    /// <summary>Forgets every group.</summary>
    public void Clear() => _groups.Clear();

    /// <summary>Replaces every group's state with <paramref name="states"/> (for a restore). All or nothing: if
    /// enumerating throws, the current state stays.</summary>
    /// <param name="states">The groups and their state.</param>
    public void Load(IEnumerable<KeyValuePair<string, TState>> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        var groups = new Dictionary<string, TState>(StringComparer.Ordinal);
        foreach (var (group, state) in states)
        {
            groups[group] = state;
        }

        _groups = groups;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, TState>> GetEnumerator() => _groups.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
