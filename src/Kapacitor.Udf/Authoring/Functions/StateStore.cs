using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Serilog;

namespace Kapacitor.Udf;

/// <summary>
/// The key/value state of a one-file UDF (<see cref="UdfFunction"/>), kept in Kapacitor's snapshots as JSON: what is in the
/// store when Kapacitor asks for a snapshot is what a restarted task finds again.
/// </summary>
/// <remarks>
/// <para>Values are JSON through source-generated metadata (a native executable has no reflection): <see cref="string"/>,
/// <see cref="long"/>, <see cref="int"/>, <see cref="double"/> and <see cref="bool"/> need nothing; any other type needs
/// a <c>JsonSerializerContext</c> of yours that lists it (<c>[JsonSerializable(typeof(Counter))]</c>), passed as
/// <c>storeTypes</c> to <see cref="UdfFunction"/>. Storing a type without metadata throws at once, naming the type and the fix.
/// The JSON is camelCase, read case-insensitively, with NaN and ±Infinity as strings, whatever the context's own options.</para>
/// <para>Values are serialized when a snapshot is taken, so an object fetched and changed in place
/// (<c>ctx.Store.GetOrAdd(p.Group, static _ =&gt; new Counter()).Count++</c>) is saved with its changes; a value type must be
/// <see cref="Set{T}"/> again.</para>
/// <para>After a restore, each value is read back as the type first asked for. One that no longer reads as that type
/// (its class changed) is dropped with a warning and counts as missing, so the UDF starts that key fresh rather than fail.</para>
/// <para>Not thread-safe: use it from the UDF's own calls (which the agent makes one at a time).</para>
/// </remarks>
public sealed class StateStore
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
    private readonly Func<ILogger> _log;
    private readonly IJsonTypeInfoResolver? _types;
    private readonly HashSet<Type> _checked = [];
    private JsonSerializerOptions? _json;

    internal StateStore(Func<ILogger> log, IJsonTypeInfoResolver? types)
    {
        _log = log;
        _types = types;
    }

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
        Check(value.GetType());
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
        Check(value.GetType());
        _values[key] = value;
    }

    /// <summary>Removes a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether it had a value.</returns>
    public bool Remove(string key) => _values.Remove(key);

    /// <summary>Removes every key.</summary>
    public void Clear() => _values.Clear();

    /// <summary>The snapshot format: an object with one property per key, each value as its runtime type's JSON.</summary>
    internal ISnapshotSerializer<Dictionary<string, object>> Serializer => new StoreSerializer(this);

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

        var typeInfo = (JsonTypeInfo<T>)TypeInfo(typeof(T));
        try
        {
            value = json.Deserialize(typeInfo);
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

    private JsonSerializerOptions Json => _json ??= CreateOptions();

    private JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            TypeInfoResolver = _types is null ? StateStoreJson.Default : JsonTypeInfoResolver.Combine(_types, StateStoreJson.Default),
        };
        options.MakeReadOnly();
        return options;
    }

    // Once per type: a type without JSON metadata fails where it is stored, not a minute later in a snapshot.
    private void Check(Type type)
    {
        if (!_checked.Contains(type))
        {
            _ = TypeInfo(type);
            _checked.Add(type);
        }
    }

    private JsonTypeInfo TypeInfo(Type type)
    {
        try
        {
            return Json.GetTypeInfo(type);
        }
        catch (NotSupportedException)
        {
            throw new InvalidOperationException(
                $"the store cannot keep a {type.Name}: it has no JSON metadata (a native executable cannot reflect). List it in a JsonSerializerContext " +
                $"([JsonSerializable(typeof({type.Name}))] partial class MyJson : JsonSerializerContext) and pass it to UdfFunction.Stream/UdfFunction.Batch as storeTypes: MyJson.Default");
        }
    }

    private sealed class StoreSerializer(StateStore store) : ISnapshotSerializer<Dictionary<string, object>>
    {
        public void Serialize(IBufferWriter<byte> output, Dictionary<string, object> state)
        {
            using var writer = new Utf8JsonWriter(output);
            writer.WriteStartObject();
            foreach (var (key, value) in state)
            {
                writer.WritePropertyName(key);
                if (value is JsonElement json)
                {
                    json.WriteTo(writer);
                }
                else
                {
                    JsonSerializer.Serialize(writer, value, store.TypeInfo(value.GetType()));
                }
            }

            writer.WriteEndObject();
        }

        public Dictionary<string, object>? Deserialize(ReadOnlySpan<byte> payload)
        {
            var values = JsonSerializer.Deserialize(payload, StateStoreJson.Default.DictionaryStringJsonElement);
            if (values is null)
            {
                return null;
            }

            var state = new Dictionary<string, object>(values.Count, StringComparer.Ordinal);
            foreach (var (key, value) in values)
            {
                state[key] = value;
            }

            return state;
        }
    }

    // Holds the JsonElement boxed: a JsonElement field would load System.Text.Json with this type.
    private sealed class Restored(object json)
    {
        public object Json { get; } = json;
    }
}

/// <summary>The store's own JSON metadata: the snapshot's shape and the values that need no context of the user's.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
internal sealed partial class StateStoreJson : JsonSerializerContext;
