using System.Text.Json;
using System.Text.Json.Serialization;
using Kapacitor.Udf.Tests.Authoring;

namespace Kapacitor.Udf.Tests.Support;

/// <summary>The tests' snapshot and store types, with the JSON settings the examples use.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(SnapshotCodecTests.State))]
[JsonSerializable(typeof(SnapshotCodecTests.OldState))]
[JsonSerializable(typeof(Dictionary<string, double>))]
[JsonSerializable(typeof(List<int>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, List<double>>))]
[JsonSerializable(typeof(StreamUdfTests.CountState))]
[JsonSerializable(typeof(UdfFunctionTests.Tally))]
internal sealed partial class TestJson : JsonSerializerContext;
