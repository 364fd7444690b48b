using System.Net.Sockets;

namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>
/// A UDF that serves a Unix socket (<c>socket</c> in <c>kapacitor.conf</c>): one connection per Info probe or task,
/// input ended with a half-close, no STDERR to collect.
/// </summary>
/// <param name="path">The socket path.</param>
/// <param name="connectTimeout">How long to keep retrying a refused or missing socket (Kapacitor retries with backoff for
/// up to 5 minutes; the default here is 10 seconds).</param>
public sealed class UnixSocketUdfTarget(string path, TimeSpan? connectTimeout = null) : IUdfTarget
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The socket path.</summary>
    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>How long connecting is retried.</summary>
    public TimeSpan ConnectTimeout { get; } = connectTimeout ?? TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public string DisplayName => Path;

    /// <inheritdoc />
    public async Task<IUdfConnection> OpenAsync(Action<string> stderrLine, CancellationToken cancellationToken)
    {
        var endpoint = new UnixDomainSocketEndPoint(Path);
        var deadline = DateTime.UtcNow + ConnectTimeout;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(endpoint, cancellationToken);
                return new SocketConnection(socket);
            }
            catch (SocketException ex) when (IsNotListeningYet(ex))
            {
                socket.Dispose();
                if (DateTime.UtcNow + delay > deadline)
                {
                    throw new IOException($"dial unix {Path}: {ex.Message}", ex);
                }

                // Kapacitor also retries (exponential backoff): a UDF server may still be starting.
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 3 / 2, MaxRetryDelay.Ticks));
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                throw new IOException($"dial unix {Path}: {ex.Message}", ex);
            }
        }
    }

    // ECONNREFUSED (nobody listening) or ENOENT (no socket file yet).
    private static bool IsNotListeningYet(SocketException ex) =>
        ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable || ex.NativeErrorCode == 2;

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
