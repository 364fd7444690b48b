using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kapacitor.Udf.Examples.MovingAverage;

/// <summary>The snapshot's JSON metadata, generated at compile time (a native executable cannot reflect): camelCase,
/// read case-insensitively, NaN and ±Infinity as strings, so a window holding a NaN still snapshots.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(Dictionary<string, MovingAverageWindow>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, MovingAverageWindow>))]
internal sealed partial class MovingAverageJson : JsonSerializerContext;
