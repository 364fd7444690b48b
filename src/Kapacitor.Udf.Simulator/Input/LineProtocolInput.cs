using Kapacitor.Udf.Simulator.LineProtocol;

namespace Kapacitor.Udf.Simulator.Input;

// Line protocol from a stream, one line at a time as it arrives. Plain lines are taken apart where they lie (RawPoint);
// the others go through the ordinary parser, which also reports any error.
internal sealed class LineProtocolInput(Stream stream, TimestampDefaults defaults) : SimulatorInput
{
    private readonly LineReader _lines = new(stream);
    private readonly RawPoint _raw = new();
    private long? _previousTime;

    public override bool IsBatches => false;

    internal override async ValueTask<InputItem> ReadAsync(Func<ValueTask> idle, CancellationToken stop)
    {
        InputItem item;
        while (!TryRead(out item))
        {
            try
            {
                if (!await _lines.ReadMoreAsync(idle, stop))
                {
                    return InputItem.End;
                }
            }
            catch (FormatException ex)
            {
                throw new LineProtocolException(_lines.LineNumber + 1, 1, ex.Message);
            }
        }

        return item;
    }

    internal override bool TryRead(out InputItem item)
    {
        while (_lines.TryReadLine(out var line))
        {
            if (_raw.TryParse(line.Span))
            {
                _raw.Time = _raw.HasTime ? _raw.Time : Default();
                _previousTime = _raw.Time;
                item = new InputItem(null, null, _raw);
                return true;
            }

            if (!LineReader.TryDecode(line.Span, out var text, out var invalidAt))
            {
                throw new LineProtocolException(_lines.LineNumber, invalidAt + 1, "invalid UTF-8 (the column counts bytes)");
            }

            if (LineProtocolReader.ParseLine(text, _lines.LineNumber, out var hasTimestamp) is { } point)
            {
                point.Time = hasTimestamp ? point.Time : Default();
                _previousTime = point.Time;
                item = new InputItem(point, null);
                return true;
            }
        }

        item = default;
        return false;
    }

    private long Default() => _previousTime is { } previous ? previous + defaults.Step : defaults.Start;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lines.Dispose();
        }
    }
}
