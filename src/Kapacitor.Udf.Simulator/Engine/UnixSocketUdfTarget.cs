using System.Net.Sockets;

namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>
/// A UDF that serves a Unix socket (<c>socket</c> in <c>kapacitor.conf</c>): one connection per Info probe or task,
/// input ended with a half-close, no STDERR to collect.
/// </summary>
/// <remarks>
/// Connecting is tried once. A missing socket file, a path that is not a socket and a socket nobody listens on each
/// fail at once with their own message (Kapacitor retries for minutes instead, while kapacitord starts; a person
/// running the simulator wants to know now that the server is not running).
/// </remarks>
/// <param name="path">The socket path.</param>
public sealed class UnixSocketUdfTarget(string path) : IUdfTarget
{
    /// <summary>The socket path.</summary>
    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <inheritdoc />
    public string DisplayName => Path;

    /// <inheritdoc />
    public async Task<IUdfConnection> OpenAsync(Action<string> stderrLine, CancellationToken cancellationToken)
    {
        // Checked first: connect() reports a missing file as EADDRNOTAVAIL ("Cannot assign requested address").
        if (UnixFileType.Of(Path) == UnixFileType.Kind.Missing)
        {
            throw new IOException(NoSocket);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path), cancellationToken);
            return new SocketConnection(socket);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException(Describe(ex), ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private string NoSocket => $"no socket at {Path}: is the UDF server running?";

    // connect() answers ECONNREFUSED for a socket nobody listens on and for any other kind of file alike.
    private string Describe(SocketException ex)
    {
        var kind = UnixFileType.Of(Path);
        return kind switch
        {
            UnixFileType.Kind.Missing => NoSocket,
            UnixFileType.Kind.Socket when ex.SocketErrorCode == SocketError.ConnectionRefused =>
                $"connection refused at {Path}: the socket file exists but no server is listening on it (a server that stopped without removing it?)",
            UnixFileType.Kind.Socket when ex.SocketErrorCode == SocketError.AccessDenied =>
                $"permission denied connecting to {Path}: the simulator's user needs write access to the socket file (the server creates it with mode 0660)",
            UnixFileType.Kind.Directory or UnixFileType.Kind.RegularFile or UnixFileType.Kind.Fifo or UnixFileType.Kind.Other =>
                $"{Path} is {UnixFileType.Describe(kind)}, not a socket: give the path the UDF server was started with (--socket PATH)",
            _ => $"cannot connect to {Path}: {ex.Message}",
        };
    }

    private sealed class SocketConnection(Socket socket) : IUdfConnection
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);

        public Stream Requests => _stream;

        public Stream Responses => _stream;

        public ValueTask CloseRequestsAsync()
        {
            try
            {
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // The peer is gone already; the reader reports that.
            }
            catch (ObjectDisposedException)
            {
                // Killed.
            }

            return ValueTask.CompletedTask;
        }

        public Task<int?> WaitForExitAsync(CancellationToken cancellationToken) => Task.FromResult<int?>(null);

        public void Kill() => socket.Dispose();

        public ValueTask DisposeAsync() => _stream.DisposeAsync();
    }
}
