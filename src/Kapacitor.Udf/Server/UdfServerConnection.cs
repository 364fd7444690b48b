using System.IO.Pipelines;
using System.Net.Sockets;
using Serilog;

namespace Kapacitor.Udf;

/// <summary>
/// One accepted connection: its socket and the agent that speaks the protocol over it.
/// </summary>
/// <remarks>
/// The pipes are created with <c>leaveOpen</c>, so the agent completing its output (after the last flush) does not
/// close the socket: the server closes it, in <see cref="Close"/>, only once the agent has returned, so no response
/// is lost to a premature close (Kapacitor half-closes and reads to EOF). Both directions are asynchronous socket calls (completions on the
/// thread pool, which handler calls never block: they run on <see cref="HandlerThreads"/>); closing the socket ends
/// any call still pending.
/// </remarks>
internal sealed class UdfServerConnection
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly UdfAgent _agent;
    private readonly CancellationTokenSource _abandon = new();
    private int _closed;

    public UdfServerConnection(long id, Socket socket, Func<UdfHandlerContext, IUdfHandler> handlerFactory, UdfAgentOptions options, ILogger log)
    {
        Id = id;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        // Asynchronous socket I/O: no thread waits on an idle connection. Zero-byte reads wait for data before a
        // buffer is rented, and a flushed writer gives its buffer back, so an idle connection holds no buffer.
        var input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true, useZeroByteReads: true));
        var output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
        _agent = new UdfAgent(input, output, handlerFactory, options with { Logger = log });
    }

    /// <summary>The connection's number, unique within its server, in every log line as <c>conn=N</c>.</summary>
    public long Id { get; }

    /// <summary>The agent's logger: <c>conn=N</c>, and <c>task=</c>/<c>node=</c> once Init has named them, so the
    /// connection's closing line says which task node it served.</summary>
    public ILogger Log => _agent.Log;

    /// <summary>The connection's whole run, from the agent's start to the socket's close.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>Runs the agent until the input ends or it fails; never throws for protocol or handler errors.</summary>
    public Task<UdfAgentResult> RunAgentAsync() => _agent.RunAsync(_abandon.Token);

    /// <summary>Ends the connection on the server's behalf: one ErrorResponse naming <paramref name="reason"/> (so
    /// Kapacitor records why the task stopped), the output completed, no more handler calls. Bounded by
    /// <paramref name="limit"/>, since a stuck consumer can hold the writer; the agent is then abandoned.</summary>
    public async Task EndAsync(string reason, TimeSpan limit, TimeProvider time)
    {
        try
        {
            await _agent.FailAsync(new AgentFailure(UdfFailureReason.ServerStopping, reason)).AsTask().WaitAsync(limit, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.Warning("Could not deliver the shutdown error within {Limit}: the peer is not reading", limit);
        }

        Abandon();
    }

    /// <summary>Makes the agent give up at once (its run returns a failure); the socket is closed after.</summary>
    public void Abandon()
    {
        try
        {
            _abandon.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
    }

    /// <summary>Ends both directions and releases the socket: the peer reads everything already written, then EOF.
    /// Idempotent.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The peer has gone already: nothing left to tell it.
        }

        _stream.Dispose();
        _socket.Dispose();
        _abandon.Dispose();
    }
}
