using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Kapacitor.Udf.Simulator.Tests.Support;

/// <summary>
/// Writes recordings byte for byte as Kapacitor writes them [replay.go WritePointForRecording, WriteBatchForRecording;
/// services/replay/service.go]: a stream recording is gzip of "database\nretention policy\nline protocol point\n" per
/// point; a batch recording is a zip with one entry per query node ("0", "1", ...), each batch one line of Go
/// json.Encoder output of edge.BufferedBatchMessage (keys name, tmax, group, byname, tags, points; name, group, byname
/// and tags omitted when empty; a point's tags written as null when it has none; times in RFC 3339 with nanoseconds,
/// trailing zeros dropped; float64 values in Go's shortest form, so 100.0 is written as 100).
/// </summary>
internal static class KapacitorRecording
{
    public static void WriteStream(string path, IEnumerable<(string Database, string RetentionPolicy, string Point)> records)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        foreach (var (database, retentionPolicy, point) in records)
        {
            gzip.Write(Encoding.UTF8.GetBytes($"{database}\n{retentionPolicy}\n{point}\n"));
        }
    }

    public static void WriteBatch(string path, params IEnumerable<string>[] entries)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        for (var i = 0; i < entries.Length; i++)
        {
            using var entry = zip.CreateEntry(i.ToString(CultureInfo.InvariantCulture)).Open();
            foreach (var line in entries[i])
            {
                entry.Write(Encoding.UTF8.GetBytes(line + "\n"));
            }
        }
    }

    public static string Batch(string name, long tmax, string group, IReadOnlyDictionary<string, string> tags, IEnumerable<RecordedPoint> points, bool byName = false)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (name.Length > 0)
            {
                json.WriteString("name", name);
            }

            json.WriteString("tmax", Time(tmax));
            if (group.Length > 0)
            {
                json.WriteString("group", group);
            }

            if (byName)
            {
                json.WriteBoolean("byname", true);
            }

            if (tags.Count > 0)
            {
                WriteTags(json, "tags", tags);
            }

            var list = points.ToList();
            if (list.Count > 0)
            {
                json.WriteStartArray("points");
                foreach (var point in list)
                {
                    json.WriteStartObject();
                    json.WriteStartObject("fields");
                    foreach (var (key, value) in point.Fields)
                    {
                        json.WritePropertyName(key);
                        switch (value)
                        {
                            case string text:
                                json.WriteStringValue(text);
                                break;
                            case bool flag:
                                json.WriteBooleanValue(flag);
                                break;
                            default:
                                json.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                                break;
                        }
                    }

                    json.WriteEndObject();
                    if (point.Tags is { } pointTags)
                    {
                        WriteTags(json, "tags", pointTags);
                    }
                    else
                    {
                        json.WriteNull("tags");
                    }

                    json.WriteString("time", Time(point.Time));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Go's time.Time JSON text (RFC 3339, nanoseconds without trailing zeros, Z for UTC).</summary>
    public static string Time(long unixNanoseconds)
    {
        var seconds = Math.DivRem(unixNanoseconds, 1_000_000_000, out var fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += 1_000_000_000;
        }

        var text = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return fraction == 0 ? text + "Z" : $"{text}.{fraction.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0')}Z";
    }

    private static void WriteTags(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string> tags)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }
}

/// <summary>A point of a recorded batch: fields (double, string or bool values), its own tags (null: none), time.</summary>
internal sealed record RecordedPoint(long Time, IReadOnlyDictionary<string, object> Fields, IReadOnlyDictionary<string, string>? Tags = null);
