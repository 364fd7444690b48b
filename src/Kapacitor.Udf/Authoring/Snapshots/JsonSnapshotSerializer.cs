using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Kapacitor.Udf;

/// <summary>
/// Snapshot state as UTF-8 JSON through System.Text.Json, with the metadata of a <c>JsonSerializerContext</c> you
/// declare (source-generated, so it works in a native AOT executable):
/// <code>
/// [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
/// [JsonSerializable(typeof(Dictionary&lt;string, Window&gt;))]
/// internal sealed partial class MyJson : JsonSerializerContext;
///
/// new JsonSnapshotSerializer&lt;Dictionary&lt;string, Window&gt;&gt;(MyJson.Default)
/// </code>
/// </summary>
/// <remarks>The context's options are the format: the settings above (camelCase, case-insensitive reading, unknown
/// properties skipped, NaN and ±Infinity as <c>"NaN"</c>/<c>"Infinity"</c> so a moving average over a NaN still
/// snapshots) are the ones the examples use.</remarks>
/// <typeparam name="TState">The state type.</typeparam>
public sealed class JsonSnapshotSerializer<TState> : ISnapshotSerializer<TState>
{
    private readonly JsonSerializerContext? _context;
    private JsonTypeInfo<TState>? _typeInfo;

    /// <summary>Uses source-generated metadata.</summary>
    /// <param name="typeInfo">The metadata, e.g. <c>MyJson.Default.MyState</c>.</param>
    public JsonSnapshotSerializer(JsonTypeInfo<TState> typeInfo) =>
        _typeInfo = typeInfo ?? throw new ArgumentNullException(nameof(typeInfo));

    /// <summary>Uses the metadata <paramref name="context"/> generated for <typeparamref name="TState"/>, looked up at
    /// first use: a UDF builds its handler for the Info probe too, at every kapacitord start, and that probe should
    /// not pay for JSON metadata it never uses.</summary>
    /// <param name="context">Your context, e.g. <c>MyJson.Default</c>, with <c>[JsonSerializable(typeof(TState))]</c>.</param>
    public JsonSnapshotSerializer(JsonSerializerContext context) =>
        _context = context ?? throw new ArgumentNullException(nameof(context));

    /// <summary>The metadata of <typeparamref name="TState"/>.</summary>
    /// <exception cref="InvalidOperationException">The context has none; the message names the attribute to add.</exception>
    public JsonTypeInfo<TState> TypeInfo => _typeInfo ??= _context!.GetTypeInfo(typeof(TState)) as JsonTypeInfo<TState>
        ?? throw new InvalidOperationException(
            $"{_context.GetType().Name} has no JSON metadata for the snapshot state {typeof(TState).Name}: add [JsonSerializable(typeof({typeof(TState).Name}))] to it");

    /// <inheritdoc />
    public void Serialize(IBufferWriter<byte> output, TState state)
    {
        using var writer = new Utf8JsonWriter(output);
        JsonSerializer.Serialize(writer, state, TypeInfo);
    }

    /// <inheritdoc />
    public TState? Deserialize(ReadOnlySpan<byte> payload) => JsonSerializer.Deserialize(payload, TypeInfo);
}
