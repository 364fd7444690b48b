using System.IO.Compression;
using Kapacitor.Udf.Simulator.LineProtocol;

namespace Kapacitor.Udf.Simulator.Input;

// A stream recording (.srpl), read as Kapacitor reads one for a replay [replay.go readPointsFromIO]: gzip-compressed
// records of three lines, the database, the retention policy and one point in line protocol with a nanosecond
// timestamp (what WritePointForRecording writes); the point goes to the UDF with that database and retention policy.
internal sealed class StreamRecordingInput(Stream file) : SimulatorInput
{
    private readonly LineReader _lines = new(new GZipStream(file, CompressionMode.Decompress));
    private long _record;

    public override bool IsBatches => false;

    internal override async ValueTask<InputItem> ReadAsync(Func<ValueTask> idle, CancellationToken stop)
    {
        _record++;
        if (await NextAsync(idle, stop) is not { } database)
        {
            return InputItem.End;
        }

        var place = $"record {_record} (line {_lines.LineNumber})";
        var offset = _lines.LineOffset;
        var retentionPolicy = await NextAsync(idle, stop)
            ?? throw new RecordingException(place, offset, "the record ends after its database line: the retention policy line is missing");
        var text = await NextAsync(idle, stop)
            ?? throw new RecordingException(place, offset, "the record ends after its retention policy line: the point line is missing");
        try
        {
            var point = LineProtocolReader.ParseLine(text, _lines.LineNumber, out var hasTimestamp)
                ?? throw new RecordingException(place, offset, $"line {_lines.LineNumber}: the point line is blank");
            if (!hasTimestamp)
            {
                throw new RecordingException(place, offset, $"line {_lines.LineNumber}: the point has no timestamp (Kapacitor records every point with one, in nanoseconds)");
            }

            point.Database = database;
            point.RetentionPolicy = retentionPolicy;
            return new InputItem(point, null);
        }
        catch (LineProtocolException ex)
        {
            throw new RecordingException(place, offset, $"bad point: {ex.Message}");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lines.Dispose();
        }
    }

    private async ValueTask<string?> NextAsync(Func<ValueTask> idle, CancellationToken stop)
    {
        ReadOnlyMemory<byte>? line;
        try
        {
            line = await _lines.ReadLineAsync(idle, stop);
        }
        catch (InvalidDataException ex)
        {
            throw new RecordingException($"record {_record}", _lines.BytesRead, $"corrupt gzip data: {ex.Message}");
        }
        catch (FormatException ex)
        {
            throw new RecordingException($"record {_record} (line {_lines.LineNumber + 1})", _lines.BytesRead, ex.Message);
        }

        if (line is not { } bytes)
        {
            return null;
        }

        return LineReader.TryDecode(bytes.Span, out var text, out var invalidAt)
            ? text
            : throw new RecordingException($"record {_record} (line {_lines.LineNumber})", _lines.LineOffset + invalidAt, "invalid UTF-8");
    }
}
