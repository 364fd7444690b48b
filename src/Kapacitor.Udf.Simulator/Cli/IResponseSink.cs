using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Cli;

// Where the UDF's responses go as they arrive (called on the engine's reader thread, one at a time). Writes may be
// buffered; Flush is called whenever the reader has handed on everything it has read, so output is never held back.
internal interface IResponseSink : IDisposable
{
    void Write(Response response);

    // A point outside any batch, still encoded (the Point message's bytes): written, or false to have it decoded
    // and passed to Write instead.
    bool TryWritePoint(ReadOnlySpan<byte> point);

    void Flush();
}
