using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf.Collections;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Cli;

// --format jsonl: every response, one JSON object per line, in arrival order, with a "type" and the message's
// fields under their proto names. Typed field maps stay apart (JSON cannot tell 1 from 1.0); int64 values are
// JSON numbers; NaN and infinities become strings.
internal sealed class JsonLinesSink(Stream output) : IResponseSink
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Write(Response response)
    {
        using (var json = new Utf8JsonWriter(output, Options))
        {
            json.WriteStartObject();
            WriteBody(json, response);
            json.WriteEndObject();
        }

        output.WriteByte((byte)'\n');
    }

    public bool TryWritePoint(ReadOnlySpan<byte> point) => false;

    public void Flush() => output.Flush();

    public void Dispose() => output.Flush();

    private static void WriteBody(Utf8JsonWriter json, Response response)
    {
        switch (response.MessageCase)
        {
            case Response.MessageOneofCase.Point:
                json.WriteString("type", "point");
                WritePoint(json, response.Point);
                break;
            case Response.MessageOneofCase.Begin:
                json.WriteString("type", "begin");
                json.WriteString("name", response.Begin.Name);
                json.WriteString("group", response.Begin.Group);
                WriteMap(json, "tags", response.Begin.Tags, (w, v) => w.WriteStringValue(v));
                json.WriteNumber("size", response.Begin.Size);
                json.WriteBoolean("byName", response.Begin.ByName);
                break;
            case Response.MessageOneofCase.End:
                json.WriteString("type", "end");
                json.WriteString("name", response.End.Name);
                json.WriteString("group", response.End.Group);
                json.WriteNumber("tmax", response.End.Tmax);
                WriteMap(json, "tags", response.End.Tags, (w, v) => w.WriteStringValue(v));
                json.WriteBoolean("byName", response.End.ByName);
                break;
            case Response.MessageOneofCase.Keepalive:
                json.WriteString("type", "keepalive");
                json.WriteNumber("time", response.Keepalive.Time);
                break;
            case Response.MessageOneofCase.Snapshot:
                json.WriteString("type", "snapshot");
                json.WriteNumber("size", response.Snapshot.Snapshot.Length);
                json.WriteBase64String("snapshot", response.Snapshot.Snapshot.Span);
                break;
            case Response.MessageOneofCase.Init:
                json.WriteString("type", "init");
                json.WriteBoolean("success", response.Init.Success);
                json.WriteString("error", response.Init.Error);
                break;
            case Response.MessageOneofCase.Restore:
                json.WriteString("type", "restore");
                json.WriteBoolean("success", response.Restore.Success);
                json.WriteString("error", response.Restore.Error);
                break;
            case Response.MessageOneofCase.Error:
                json.WriteString("type", "error");
                json.WriteString("error", response.Error.Error);
                break;
            case Response.MessageOneofCase.Info:
                json.WriteString("type", "info");
                json.WriteString("wants", response.Info.Wants == EdgeType.Batch ? "BATCH" : "STREAM");
                json.WriteString("provides", response.Info.Provides == EdgeType.Batch ? "BATCH" : "STREAM");
                json.WriteStartObject("options");
                foreach (var (name, option) in response.Info.Options)
                {
                    json.WriteStartArray(name);
                    foreach (var type in option.ValueTypes)
                    {
                        json.WriteStringValue(ValueTypeText.Name(type));
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
                break;
            default:
                json.WriteString("type", "empty");
                break;
        }
    }

    private static void WritePoint(Utf8JsonWriter json, Point point)
    {
        json.WriteString("name", point.Name);
        json.WriteString("database", point.Database);
        json.WriteString("retentionPolicy", point.RetentionPolicy);
        json.WriteString("group", point.Group);
        json.WriteStartArray("dimensions");
        foreach (var dimension in point.Dimensions)
        {
            json.WriteStringValue(dimension);
        }

        json.WriteEndArray();
        json.WriteBoolean("byName", point.ByName);
        WriteMap(json, "tags", point.Tags, (w, v) => w.WriteStringValue(v));
        WriteMap(json, "fieldsDouble", point.FieldsDouble, WriteDouble);
        WriteMap(json, "fieldsInt", point.FieldsInt, (w, v) => w.WriteNumberValue(v));
        WriteMap(json, "fieldsString", point.FieldsString, (w, v) => w.WriteStringValue(v));
        WriteMap(json, "fieldsBool", point.FieldsBool, (w, v) => w.WriteBooleanValue(v));
        json.WriteNumber("time", point.Time);
    }

    private static void WriteDouble(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteStringValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static void WriteMap<T>(Utf8JsonWriter json, string name, MapField<string, T> map, Action<Utf8JsonWriter, T> writeValue)
    {
        json.WriteStartObject(name);
        foreach (var key in map.Keys.Order(StringComparer.Ordinal))
        {
            json.WritePropertyName(key);
            writeValue(json, map[key]);
        }

        json.WriteEndObject();
    }
}
