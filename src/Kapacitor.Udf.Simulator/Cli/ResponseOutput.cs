using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Cli;

// STDOUT for the responses: written through the sink's 64 KiB buffer, flushed whenever the engine has handed on all
// it has read. A slow reader of STDOUT slows the run down (the engine stops reading the UDF, the UDF stops reading
// its input, the simulator stops reading its own) instead of filling memory. When STDOUT fails (a full disk), the run
// goes on without output and says so once; a closed pipe (`| head`) is not an error: .NET drops those writes.
internal sealed class ResponseOutput(IResponseSink sink) : IDisposable
{
    private bool _closed;

    public void Write(Response response)
    {
        if (!_closed)
        {
            Guard(() => sink.Write(response));
        }
    }

    public bool TryWritePoint(ReadOnlySpan<byte> point)
    {
        if (_closed)
        {
            return true;
        }

        try
        {
            return sink.TryWritePoint(point);
        }
        catch (IOException ex)
        {
            Close(ex);
            return true;
        }
    }

    public void Flush()
    {
        if (!_closed)
        {
            Guard(sink.Flush);
        }
    }

    public void Dispose()
    {
        if (!_closed)
        {
            Guard(sink.Dispose);
        }
    }

    private void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (IOException ex)
        {
            Close(ex);
        }
    }

    private void Close(IOException ex)
    {
        _closed = true;
        Diagnostics.Note($"STDOUT cannot be written ({ex.Message}): the run goes on, its responses are no longer written");
    }
}
