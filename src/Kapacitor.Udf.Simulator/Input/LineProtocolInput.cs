using Kapacitor.Udf.Simulator.LineProtocol;

namespace Kapacitor.Udf.Simulator.Input;

// Line protocol from a stream, one line at a time as it arrives.
internal sealed class LineProtocolInput(Stream stream, TimestampDefaults defaults) : SimulatorInput
{
    private readonly LineReader _lines = new(stream);
    private long? _previousTime;

    public override bool IsBatches => false;

    internal override async ValueTask<InputItem> ReadAsync(Func<ValueTask> idle, CancellationToken stop)
    {
        while (true)
        {
            ReadOnlyMemory<byte>? bytes;
            try
            {
                bytes = await _lines.ReadLineAsync(idle, stop);
            }
            catch (FormatException ex)
            {
                throw new LineProtocolException(_lines.LineNumber + 1, 1, ex.Message);
            }

            if (bytes is not { } line)
            {
                return InputItem.End;
            }

            if (!LineReader.TryDecode(line.Span, out var text, out var invalidAt))
            {
                throw new LineProtocolException(_lines.LineNumber, invalidAt + 1, "invalid UTF-8 (the column counts bytes)");
            }

            if (LineProtocolReader.ParseLine(text, _lines.LineNumber, out var hasTimestamp) is not { } point)
            {
                continue;
            }

            if (!hasTimestamp)
            {
                point.Time = _previousTime is { } previous ? previous + defaults.Step : defaults.Start;
            }

            _previousTime = point.Time;
            return new InputItem(point, null);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lines.Dispose();
        }
    }
}
