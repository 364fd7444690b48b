using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.LineProtocol;

namespace Kapacitor.Udf.Simulator.Cli;

// --format lp: stream points as lines; a batch's points when its EndBatch arrives, named after the EndBatch as
// Kapacitor names the batch downstream. A batch that never ends produces nothing, as in Kapacitor.
internal sealed class LineProtocolSink(TextWriter output) : IResponseSink
{
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
                output.WriteLine(LineProtocolWriter.Format(response.Point));
                break;
            case Response.MessageOneofCase.End when _batch is not null:
                foreach (var point in _batch)
                {
                    output.WriteLine(LineProtocolWriter.Format(point, response.End.Name));
                }

                _batch = null;
                break;
        }
    }

    public void Flush() => output.Flush();

    public void Dispose() => output.Flush();
}
