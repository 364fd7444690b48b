using System.Buffers;
using System.Text;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.LineProtocol;

namespace Kapacitor.Udf.Simulator.Cli;

// --format lp: stream points as lines; a batch's points when its EndBatch arrives, named after the EndBatch as
// Kapacitor names the batch downstream. A batch that never ends produces nothing, as in Kapacitor. Lines collect in a
// 64 KiB buffer, written when it is full and at every Flush. Points outside a batch are usually written straight
// from their encoded bytes (PointLineFormatter), the same line without decoding the point.
internal sealed class LineProtocolSink(Stream output) : IResponseSink
{
    private const int BufferSize = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(BufferSize + 4096);
    private List<Point>? _batch;

    public void Write(Response response)
    {
        switch (response.MessageCase)
        {
            case Response.MessageOneofCase.Begin:
                _batch = [];
                break;
            case Response.MessageOneofCase.Point when _batch is not null:
                _batch.Add(response.Point);
                break;
            case Response.MessageOneofCase.Point:
                WriteLine(LineProtocolWriter.Format(response.Point));
                break;
            case Response.MessageOneofCase.End when _batch is not null:
                foreach (var point in _batch)
                {
                    WriteLine(LineProtocolWriter.Format(point, response.End.Name));
                }

                _batch = null;
                break;
        }
    }

    public bool TryWritePoint(ReadOnlySpan<byte> point)
    {
        if (_batch is not null || !PointLineFormatter.TryFormat(point, _buffer))
        {
            return false;
        }

        WriteIfFull();
        return true;
    }

    public void Flush()
    {
        output.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
        output.Flush();
    }

    public void Dispose() => Flush();

    private void WriteLine(string line)
    {
        var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length) + 1);
        var length = Encoding.UTF8.GetBytes(line, span);
        span[length] = (byte)'\n';
        _buffer.Advance(length + 1);
        WriteIfFull();
    }

    private void WriteIfFull()
    {
        if (_buffer.WrittenCount >= BufferSize)
        {
            output.Write(_buffer.WrittenSpan);
            _buffer.ResetWrittenCount();
        }
    }
}
