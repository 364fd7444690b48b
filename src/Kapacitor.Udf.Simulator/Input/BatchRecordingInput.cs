using System.IO.Compression;

namespace Kapacitor.Udf.Simulator.Input;

// A batch recording (.brpl), read as Kapacitor reads one for a replay [replay.go readBatchFromIO, edge/messages.go]:
// a zip archive with one entry per query node of the task, named 0, 1, ... (services/replay/service.go), each a
// sequence of batches as JSON objects, one per line, as Go's json.Encoder writes them. One entry is replayed: the
// others would feed other query nodes, which the simulated task does not have.
internal sealed class BatchRecordingInput : SimulatorInput
{
    private readonly ZipArchive _zip;
    private readonly string _entry;
    private readonly LineReader _lines;

    private BatchRecordingInput(ZipArchive zip, ZipArchiveEntry entry)
    {
        _zip = zip;
        _entry = entry.FullName;
        _lines = new LineReader(entry.Open());
    }

    public override bool IsBatches => true;

    public static BatchRecordingInput Open(Stream file, string path, int? source)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException ex)
        {
            throw new RecordingException($"{path} is not a readable zip archive (a batch recording): {ex.Message}");
        }

        try
        {
            var names = string.Join(", ", zip.Entries.Select(e => e.FullName));
            var entry = source is { } wanted
                ? zip.Entries.FirstOrDefault(e => e.FullName == wanted.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    ?? throw new RecordingException($"{path} has no source {wanted} (its entries: {(names.Length == 0 ? "none" : names)})")
                : zip.Entries.Count switch
                {
                    0 => throw new RecordingException($"{path} holds no entries: a batch recording has one per query node, named 0, 1, ..."),
                    1 => zip.Entries[0],
                    var count => throw new RecordingException(
                        $"{path} holds {count} sources (entries {names}), one per query node of the recorded task: pick the one to replay with --source N"),
                };
            return new BatchRecordingInput(zip, entry);
        }
        catch (InvalidDataException ex)
        {
            zip.Dispose();
            throw new RecordingException($"{path}: the entry cannot be read: {ex.Message}");
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    internal override async ValueTask<InputItem> ReadAsync(Func<ValueTask> idle, CancellationToken stop)
    {
        while (true)
        {
            ReadOnlyMemory<byte>? line;
            try
            {
                line = await _lines.ReadLineAsync(idle, stop);
            }
            catch (InvalidDataException ex)
            {
                throw new RecordingException($"entry {_entry}", _lines.BytesRead, $"corrupt compressed data: {ex.Message}");
            }
            catch (FormatException ex)
            {
                throw new RecordingException($"entry {_entry}, line {_lines.LineNumber + 1}", _lines.BytesRead, ex.Message);
            }

            if (line is not { } json)
            {
                return InputItem.End;
            }

            if (json.Span.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            try
            {
                // A batch without points is skipped, as Kapacitor skips it.
                if (BatchJson.Parse(json) is { } batch)
                {
                    return new InputItem(null, batch);
                }
            }
            catch (FormatException ex)
            {
                throw new RecordingException($"entry {_entry}, line {_lines.LineNumber}", _lines.LineOffset, ex.Message);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lines.Dispose();
            _zip.Dispose();
        }
    }
}
