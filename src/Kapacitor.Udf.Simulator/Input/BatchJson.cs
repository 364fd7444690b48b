using System.Text.Json;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.Simulator.Input;

// One batch of a batch recording, decoded as Kapacitor decodes it [edge/messages.go bufferedBatchMessage.UnmarshalJSON,
// replay.go replayBatchFromChan] and turned into what its UDF node sends:
//   {"name":…,"tmax":…,"group":…,"byname":…,"tags":{…},"points":[{"fields":{…},"tags":{…},"time":…}]}
// * keys match case-insensitively and the last duplicate wins, as in Go's encoding/json;
// * every JSON number is a double (Go decodes numbers into float64), strings and booleans keep their type;
// * the group ID is recomputed from name, tags and byname; the recorded "group" is ignored;
// * a point whose tags are missing, null or empty takes the batch's tags;
// * tmax is raised to the last point's time when it is earlier (or missing);
// * a batch without points is skipped (null).
// Kapacitor ignores decoding errors and replays whatever was decoded before them; here they are errors.
internal static class BatchJson
{
    private const string GoZeroTime = "0001-01-01T00:00:00Z";

    public static InputBatch? Parse(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"bad JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"expected a JSON object (one batch per line, as Kapacitor writes them), got {root.ValueKind}");
            }

            var name = string.Empty;
            long? tmax = null;
            var byName = false;
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            JsonElement? points = null;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name.ToLowerInvariant())
                {
                    case "name":
                        name = Text(property.Value, "name") ?? string.Empty;
                        break;
                    case "tmax":
                        tmax = Time(property.Value, "tmax");
                        break;
                    case "byname":
                        byName = property.Value.ValueKind switch
                        {
                            JsonValueKind.True => true,
                            JsonValueKind.False or JsonValueKind.Null => false,
                            var kind => throw new FormatException($"\"byname\" must be true or false, got {kind}"),
                        };
                        break;
                    case "tags":
                        tags = Tags(property.Value, "tags");
                        break;
                    case "points":
                        points = property.Value;
                        break;
                }
            }

            return points is { ValueKind: JsonValueKind.Array } array && array.GetArrayLength() > 0
                ? ToBatch(name, tmax, byName, tags, array)
                : points is null or { ValueKind: JsonValueKind.Null or JsonValueKind.Array }
                    ? null
                    : throw new FormatException($"\"points\" must be an array, got {points.Value.ValueKind}");
        }
    }

    private static InputBatch ToBatch(string name, long? tmax, bool byName, Dictionary<string, string> tags, JsonElement points)
    {
        var group = GroupId.Compute(name, tags, tags.Keys.Order(StringComparer.Ordinal).ToArray(), byName);
        var batchPoints = new List<Point>(points.GetArrayLength());
        foreach (var element in points.EnumerateArray())
        {
            batchPoints.Add(ToPoint(element, batchPoints.Count, group, tags));
        }

        var lastTime = batchPoints[^1].Time;
        var begin = new BeginBatch { Name = name, Group = group, Size = batchPoints.Count, ByName = byName };
        begin.Tags.Add(tags);
        var end = new EndBatch { Name = name, Group = group, Tmax = tmax is { } t && t >= lastTime ? t : lastTime };
        end.Tags.Add(tags);
        return new InputBatch(begin, batchPoints, end);
    }

    private static Point ToPoint(JsonElement element, int index, string group, Dictionary<string, string> batchTags)
    {
        var where = $"point {index}";
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where} must be an object, got {element.ValueKind}");
        }

        var point = new Point { Group = group };
        long? time = null;
        Dictionary<string, string>? tags = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name.ToLowerInvariant())
            {
                case "time":
                    time = Time(property.Value, $"{where} time");
                    break;
                case "tags":
                    tags = Tags(property.Value, $"{where} tags");
                    break;
                case "fields":
                    Fields(property.Value, point, where);
                    break;
            }
        }

        point.Time = time ?? throw new FormatException($"{where} has no time");
        point.Tags.Add(tags is { Count: > 0 } ? tags : batchTags);
        return point;
    }

    private static void Fields(JsonElement fields, Point point, string where)
    {
        if (fields.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (fields.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where} fields must be an object, got {fields.ValueKind}");
        }

        foreach (var field in fields.EnumerateObject())
        {
            // A duplicate key keeps only its last value, of whatever type.
            point.FieldsDouble.Remove(field.Name);
            point.FieldsString.Remove(field.Name);
            point.FieldsBool.Remove(field.Name);
            switch (field.Value.ValueKind)
            {
                case JsonValueKind.Number when field.Value.TryGetDouble(out var number) && double.IsFinite(number):
                    point.FieldsDouble[field.Name] = number;
                    break;
                case JsonValueKind.Number:
                    throw new FormatException($"{where} field \"{field.Name}\": {field.Value.GetRawText()} is out of the range of a double");
                case JsonValueKind.String:
                    point.FieldsString[field.Name] = field.Value.GetString()!;
                    break;
                case JsonValueKind.True or JsonValueKind.False:
                    point.FieldsBool[field.Name] = field.Value.GetBoolean();
                    break;
                default:
                    throw new FormatException($"{where} field \"{field.Name}\" is {field.Value.ValueKind}: a field is a number, a string or a boolean");
            }
        }
    }

    private static Dictionary<string, string> Tags(JsonElement tags, string what)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (tags.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (tags.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"\"{what}\" must be an object of strings, got {tags.ValueKind}");
        }

        foreach (var tag in tags.EnumerateObject())
        {
            result[tag.Name] = Text(tag.Value, $"{what} \"{tag.Name}\"") ?? throw new FormatException($"{what} \"{tag.Name}\" is null: a tag value is a string");
        }

        return result;
    }

    private static string? Text(JsonElement value, string what) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null => null,
        var kind => throw new FormatException($"\"{what}\" must be a string, got {kind}"),
    };

    // Null for Go's zero time (a JSON null, or the text Go's encoder writes for an unset time); otherwise Unix nanoseconds.
    private static long? Time(JsonElement value, string what)
    {
        if (value.ValueKind == JsonValueKind.Null || (value.ValueKind == JsonValueKind.String && value.ValueEquals(GoZeroTime)))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"\"{what}\" must be an RFC 3339 string, got {value.ValueKind}");
        }

        var text = value.GetString()!;
        return Rfc3339.TryParse(text, out var nanoseconds) is { } problem
            ? throw new FormatException($"\"{what}\" \"{text}\": {problem}")
            : nanoseconds;
    }
}
