using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Cli;

// Where the UDF's responses go as they arrive (called on the engine's reader thread, one at a time).
internal interface IResponseSink : IDisposable
{
    void Write(Response response);
}
