using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Kapacitor.Udf;

/// <summary>The JSON settings snapshots use by default.</summary>
public static class JsonSnapshotSerializer
{
    /// <summary>
    /// camelCase property names, dictionary keys (group IDs) unchanged, case-insensitive reading, unknown properties
    /// skipped (so adding and removing fields needs no format version), and NaN/±Infinity written as
    /// <c>"NaN"</c>/<c>"Infinity"</c> (<see cref="JsonNumberHandling.AllowNamedFloatingPointLiterals"/>): a moving
    /// average over a NaN must still snapshot. Read-only; copy it to change it.
    /// </summary>
    public static JsonSerializerOptions DefaultOptions { get; } = CreateDefaultOptions();

    private static JsonSerializerOptions CreateDefaultOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>Snapshot state as UTF-8 JSON through System.Text.Json.</summary>
/// <typeparam name="TState">The state type.</typeparam>
public sealed class JsonSnapshotSerializer<TState> : ISnapshotSerializer<TState>
{
    private readonly JsonTypeInfo<TState> _typeInfo;

    /// <summary>Uses reflection-based serialization with <paramref name="options"/>.</summary>
    /// <param name="options">The settings; <see cref="JsonSnapshotSerializer.DefaultOptions"/> when <see langword="null"/>.</param>
    public JsonSnapshotSerializer(JsonSerializerOptions? options = null)
    {
        options ??= JsonSnapshotSerializer.DefaultOptions;
        if (!options.IsReadOnly)
        {
            options = new JsonSerializerOptions(options);
            options.MakeReadOnly(populateMissingResolver: true);
        }

        _typeInfo = (JsonTypeInfo<TState>)options.GetTypeInfo(typeof(TState));
    }

    /// <summary>Uses source-generated metadata (trimming- and AOT-friendly).</summary>
    /// <param name="typeInfo">The metadata, e.g. <c>MyJsonContext.Default.MyState</c>.</param>
    public JsonSnapshotSerializer(JsonTypeInfo<TState> typeInfo) =>
        _typeInfo = typeInfo ?? throw new ArgumentNullException(nameof(typeInfo));

    /// <inheritdoc />
    public void Serialize(IBufferWriter<byte> output, TState state)
    {
        using var writer = new Utf8JsonWriter(output);
        JsonSerializer.Serialize(writer, state, _typeInfo);
    }

    /// <inheritdoc />
    public TState? Deserialize(ReadOnlySpan<byte> payload) => JsonSerializer.Deserialize(payload, _typeInfo);
}
