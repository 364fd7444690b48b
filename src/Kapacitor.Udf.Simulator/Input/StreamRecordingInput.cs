using System.IO.Compression;
using System.Text;
using Kapacitor.Udf.Simulator.LineProtocol;

namespace Kapacitor.Udf.Simulator.Input;

// A stream recording (.srpl), read as Kapacitor reads one for a replay [replay.go readPointsFromIO]: gzip-compressed
// records of three lines, the database, the retention policy and one point in line protocol with a nanosecond
// timestamp (what WritePointForRecording writes); the point goes to the UDF with that database and retention policy.
internal sealed class StreamRecordingInput(Stream file) : SimulatorInput
{
    private readonly LineReader _lines = new(new GZipStream(file, CompressionMode.Decompress));
    private readonly RawPoint _raw = new();
    private byte[] _database = [];
    private byte[] _retentionPolicy = [];
    private long _record;

    public override bool IsBatches => false;

    internal override async ValueTask<InputItem> ReadAsync(Func<ValueTask> idle, CancellationToken stop)
    {
        _record++;
        if (await NextAsync(idle, stop) is not { } databaseLine)
        {
            return InputItem.End;
        }

        var place = $"record {_record} (line {_lines.LineNumber})";
        var offset = _lines.LineOffset;
        _database = Keep(databaseLine.Span, _database);
        var retentionPolicyLine = await NextAsync(idle, stop)
            ?? throw new RecordingException(place, offset, "the record ends after its database line: the retention policy line is missing");
        _retentionPolicy = Keep(retentionPolicyLine.Span, _retentionPolicy);
        var pointLine = await NextAsync(idle, stop)
            ?? throw new RecordingException(place, offset, "the record ends after its retention policy line: the point line is missing");
        if (_raw.TryParse(pointLine.Span) && _raw.HasTime)
        {
            _raw.Database = _database;
            _raw.RetentionPolicy = _retentionPolicy;
            return new InputItem(null, null, _raw);
        }

        try
        {
            var point = LineProtocolReader.ParseLine(Decode(pointLine.Span), _lines.LineNumber, out var hasTimestamp)
                ?? throw new RecordingException(place, offset, $"line {_lines.LineNumber}: the point line is blank");
            if (!hasTimestamp)
            {
                throw new RecordingException(place, offset, $"line {_lines.LineNumber}: the point has no timestamp (Kapacitor records every point with one, in nanoseconds)");
            }

            point.Database = Encoding.UTF8.GetString(_database);
            point.RetentionPolicy = Encoding.UTF8.GetString(_retentionPolicy);
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

    private async ValueTask<ReadOnlyMemory<byte>?> NextAsync(Func<ValueTask> idle, CancellationToken stop)
    {
        try
        {
            return await _lines.ReadLineAsync(idle, stop);
        }
        catch (InvalidDataException ex)
        {
            throw new RecordingException($"record {_record}", _lines.BytesRead, $"corrupt gzip data: {ex.Message}");
        }
        catch (FormatException ex)
        {
            throw new RecordingException($"record {_record} (line {_lines.LineNumber + 1})", _lines.BytesRead, ex.Message);
        }
    }

    // The database or retention policy line, owned (the line's bytes are reused by the next read); the same array
    // while it does not change, which is every record of a typical recording.
    private byte[] Keep(ReadOnlySpan<byte> line, byte[] previous)
    {
        if (line.SequenceEqual(previous))
        {
            return previous;
        }

        Decode(line);
        return line.ToArray();
    }

    private string Decode(ReadOnlySpan<byte> line) =>
        LineReader.TryDecode(line, out var text, out var invalidAt)
            ? text
            : throw new RecordingException($"record {_record} (line {_lines.LineNumber})", _lines.LineOffset + invalidAt, "invalid UTF-8");
}
