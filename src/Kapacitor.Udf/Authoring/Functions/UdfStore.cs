using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Serilog;

namespace Kapacitor.Udf;

/// <summary>
/// The key/value state of a one-file UDF (<see cref="Udf"/>), kept in Kapacitor's snapshots as JSON: what is in the
/// store when Kapacitor asks for a snapshot is what a restarted task finds again.
/// </summary>
/// <remarks>
/// <para>Values are serialized when a snapshot is taken, so an object fetched and changed in place
/// (<c>ctx.Store.GetOrAdd(p.Group, static _ =&gt; new Counter()).Count++</c>) is saved with its changes; a value type must be
/// <see cref="Set{T}"/> again.</para>
/// <para>After a restore, each value is read back as the type first asked for. One that no longer reads as that type
/// (its class changed) is dropped with a warning and counts as missing, so the UDF starts that key fresh rather than fail.</para>
/// <para>Not thread-safe: use it from the UDF's own calls (which the agent makes one at a time).</para>
/// </remarks>
public sealed class UdfStore
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
    private readonly Func<ILogger> _log;

    internal UdfStore(Func<ILogger> log) => _log = log;

    /// <summary>The number of keys.</summary>
    public int Count => _values.Count;

    /// <summary>The keys.</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>Whether <paramref name="key"/> has a value.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> if it has.</returns>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <summary>The value of <paramref name="key"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">The key has no value.</exception>
    /// <exception cref="InvalidCastException">The value is of another type.</exception>
    public T Get<T>(string key)
        where T : notnull =>
        TryGet<T>(key, out var value) ? value : throw new KeyNotFoundException($"the store has no value for '{key}'");

    /// <summary>The value of <paramref name="key"/>, if it has one.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>Whether it has one.</returns>
    /// <exception cref="InvalidCastException">The value is of another type.</exception>
    public bool TryGet<T>(string key, [MaybeNullWhen(false)] out T value)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_values.TryGetValue(key, out var stored))
        {
            value = default;
            return false;
        }

        if (stored is T typed)
        {
            value = typed;
            return true;
        }

        if (stored is Restored restored)
        {
            return TryRead(key, restored, out value);
        }

        throw new InvalidCastException($"the store's value for '{key}' is a {stored.GetType().Name}, not a {typeof(T).Name}");
    }

    /// <summary>The value of <paramref name="key"/>, created by <paramref name="create"/> if it has none.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="create">Makes the value from the key; a <c>static</c> lambda allocates nothing per call.</param>
    /// <returns>The value.</returns>
    public T GetOrAdd<T>(string key, Func<string, T> create)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(create);
        if (TryGet<T>(key, out var value))
        {
            return value;
        }

        value = create(key);
        _values[key] = value;
        return value;
    }

    /// <summary>Sets the value of <paramref name="key"/>.</summary>
    /// <typeparam name="T">The value's type; it must serialize with System.Text.Json.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public void Set<T>(string key, T value)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _values[key] = value;
    }

    /// <summary>Removes a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether it had a value.</returns>
    public bool Remove(string key) => _values.Remove(key);

    /// <summary>Removes every key.</summary>
    public void Clear() => _values.Clear();

    // The snapshot state is typed with object, not JsonElement, so that constructing a one-file UDF (which the Info
    // probe does at every kapacitord start) loads no System.Text.Json; values serialize by their runtime type.
    internal Dictionary<string, object>? Save()
    {
        if (_values.Count == 0)
        {
            return null;
        }

        var state = new Dictionary<string, object>(_values.Count, StringComparer.Ordinal);
        foreach (var (key, value) in _values)
        {
            state[key] = value is Restored restored ? restored.Json : value;
        }

        return state;
    }

    // Restored values arrive as JSON (JsonElement) and are read as a type on first use. Restored keys replace the same
    // keys set by init; keys only init set are kept.
    internal void Load(Dictionary<string, object> state)
    {
        foreach (var (key, json) in state)
        {
            _values[key] = new Restored(json);
        }
    }

    private bool TryRead<T>(string key, Restored restored, [MaybeNullWhen(false)] out T value)
    {
        value = default;
        if (restored.Json is not JsonElement json)
        {
            _values.Remove(key);
            return false;
        }

        try
        {
            value = json.Deserialize<T>(JsonSnapshotSerializer.DefaultOptions);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            _log().Warning("Dropping the restored value of {Key}: it does not read as {Type} ({Error})", key, typeof(T).Name, ex.Message);
            _values.Remove(key);
            return false;
        }

        if (value is null)
        {
            _values.Remove(key);
            return false;
        }

        _values[key] = value;
        return true;
    }

    // Holds the JsonElement boxed: a JsonElement field would load System.Text.Json with this type.
    private sealed class Restored(object json)
    {
        public object Json { get; } = json;
    }
}
