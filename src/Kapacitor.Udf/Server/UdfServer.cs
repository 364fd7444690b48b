using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Serilog;

namespace Kapacitor.Udf;

/// <summary>
/// A socket UDF: a long-running server on a Unix stream socket that Kapacitor connects to
/// (<c>[udf.functions.NAME] socket = "/path/x.sock"</c>), once at startup for the Info probe and once per UDF node
/// per task. Every connection gets its own handler from the factory and its own <see cref="UdfAgent"/>.
/// </summary>
/// <remarks>
/// <para><b>Shared resources.</b> The factory runs once per connection; anything all connections share (a loaded
/// model, a connection pool) is created once and captured by the factory:</para>
/// <code>
/// var model = await Model.LoadAsync("model.onnx");            // once, shared by every connection
/// await using var server = new UdfServer("/run/kapacitor/score.sock", ctx => new ScoreHandler(ctx, model));
/// server.Start();
/// await server.Completion;                                      // until StopAsync (e.g. on SIGTERM)
/// </code>
/// <para>Handlers of different connections run concurrently, so shared objects must be thread-safe; one handler is
/// still called one call at a time.</para>
/// <para><b>Isolation.</b> The accept loop never waits on a connection. A connection that fails (a bad frame, a
/// handler exception, a peer reset) is logged with its reason and closed alone; the listener and every other
/// connection carry on (requirements 31, 32).</para>
/// <para><b>Limits.</b> At most <see cref="UdfServerOptions.MaxConnections"/> at once; a connection beyond it is
/// sent one <c>ErrorResponse</c> saying so and closed.</para>
/// <para><b>Socket file.</b> <see cref="Start"/> removes a leftover socket file that nothing listens on (logging
/// that it did) and refuses anything else at the path: a live listener, a regular file, a directory, a symlink.
/// The file gets <see cref="UdfServerOptions.SocketFileMode"/> right after it is created, before the server
/// listens. <see cref="StopAsync"/> closes the listener, which removes the file at once (so Kapacitor's dial is
/// refused and retried rather than left waiting), then drains the connections in flight for
/// <see cref="UdfServerOptions.DrainTimeout"/>, then ends the rest with an <c>ErrorResponse</c> (docs/protocol.md, "Socket mode").</para>
/// <para><b>Half-close.</b> Kapacitor ends its input with <c>shutdown(SHUT_WR)</c> and reads until EOF. The agent
/// finishes the queued input, flushes every response and completes its output; only then does the server shut the
/// socket down (Kapacitor half-closes and reads to EOF).</para>
/// </remarks>
public sealed class UdfServer : IAsyncDisposable
{
    private const int ListenBacklog = 512;
    private const int StateNew = 0;
    private const int StateStarted = 1;
    private const int StateStopped = 2;

    // A failing accept() (EMFILE: out of file descriptors) fails again at once; pausing lets connections close.
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    // A refused connection is kept only until its peer has read the refusal and half-closed, at most this long.
    private static readonly TimeSpan RefusalDrainLimit = TimeSpan.FromSeconds(2);

    // After the drain deadline: how long delivering the shutdown ErrorResponse, and then ending, may take.
    private static readonly TimeSpan ShutdownErrorLimit = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ForcedCloseLimit = TimeSpan.FromSeconds(5);

    private readonly Func<UdfHandlerContext, IUdfHandler> _handlerFactory;
    private readonly UdfServerOptions _options;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, UdfServerConnection> _connections = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private Socket? _listener;
    private SocketFileIdentity? _boundFile;
    private Task _acceptLoop = Task.CompletedTask;
    private Task? _stopTask;
    private int _state;
    private long _lastConnectionId;
    private int _active;

    /// <summary>Creates a server for <paramref name="socketPath"/>. Nothing is touched until <see cref="Start"/>.</summary>
    /// <param name="socketPath">Where to listen; made absolute. At most 107 bytes (the Unix limit).</param>
    /// <param name="handlerFactory">Creates each connection's handler, given its context (the same factory a
    /// process UDF uses).</param>
    /// <param name="options">Limits and logging; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The path is empty or too long for a Unix socket.</exception>
    public UdfServer(string socketPath, Func<UdfHandlerContext, IUdfHandler> handlerFactory, UdfServerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        ArgumentNullException.ThrowIfNull(handlerFactory);
        _options = options ?? new UdfServerOptions();
        _options.Validate();
        SocketPath = Path.GetFullPath(socketPath);
        var length = Encoding.UTF8.GetByteCount(SocketPath);
        if (length > SocketFile.MaxPathBytes)
        {
            throw new ArgumentException(
                $"the socket path {SocketPath} is {length} bytes long; a Unix socket path holds at most {SocketFile.MaxPathBytes}",
                nameof(socketPath));
        }

        _handlerFactory = handlerFactory;
        _log = _options.Logger;
        _time = _options.Agent.TimeProvider;
    }

    /// <summary>The absolute path of the socket file.</summary>
    public string SocketPath { get; }

    /// <summary>How many connections are being served now.</summary>
    public int ActiveConnections => Volatile.Read(ref _active);

    /// <summary>Completes when the server has stopped: the listener closed, the socket file removed and every
    /// connection ended. Never faults.</summary>
    public Task Completion => _stopped.Task;

    /// <summary>Prepares the socket file, binds, sets the file mode, listens, and starts accepting on a dedicated
    /// thread. Returns once Kapacitor can connect.</summary>
    /// <exception cref="IOException">The path is taken (a live listener, a file that is not a socket, a directory, a
    /// symlink), its directory is missing, binding failed, or the open-file limit (raised to the hard limit first)
    /// cannot hold <see cref="UdfServerOptions.MaxConnections"/>. The message names the path; nothing at the path was
    /// changed, except a stale socket file, which is removed.</exception>
    /// <exception cref="InvalidOperationException">Called twice, or after <see cref="StopAsync"/>.</exception>
    public void Start()
    {
        // Held throughout, so a concurrent StopAsync sees either nothing started or the listener and its loop.
        lock (_gate)
        {
            if (_state != StateNew)
            {
                throw new InvalidOperationException(_state == StateStarted ? "the server is already started" : "the server has been stopped");
            }

            try
            {
                // Every connection is a descriptor: refused here, with the fix named, rather than as EMFILE under load.
                FileDescriptorLimit.Reserve(_options.MaxConnections, SocketPath);
                try
                {
                    _listener = Listen();
                }
                catch
                {
                    FileDescriptorLimit.Release(_options.MaxConnections);
                    throw;
                }
            }
            catch
            {
                _state = StateStopped;
                _stopTask = Task.CompletedTask;
                _stopped.TrySetResult();
                throw;
            }

            _state = StateStarted;
            _acceptLoop = DedicatedThread.Start("udf-accept", AcceptLoop);
        }

        _log.Information(
            "Listening on {Path} (mode {Mode}, at most {Max} connections)",
            SocketPath, FormatMode(_options.SocketFileMode), _options.MaxConnections);
    }

    /// <summary>Stops the server: closes the listener (removing the socket file), gives the connections in flight
    /// <see cref="UdfServerOptions.DrainTimeout"/> to end by themselves, then sends each remaining one an
    /// <c>ErrorResponse</c> naming <paramref name="reason"/> and closes it. Idempotent: every call returns the same
    /// task, and the first reason is the one used. This is what SIGTERM and SIGINT call in socket mode.</summary>
    /// <param name="reason">Why the server stops, for the log and the ErrorResponse.</param>
    /// <returns>Completes with <see cref="Completion"/>.</returns>
    public Task StopAsync(string reason = "the server was asked to stop")
    {
        lock (_gate)
        {
            if (_stopTask is null)
            {
                var started = _state == StateStarted;
                _state = StateStopped;
                if (started)
                {
                    _stopTask = Task.Run(() => StopCoreAsync(reason));
                }
                else
                {
                    _stopped.TrySetResult();
                    _stopTask = Task.CompletedTask;
                }
            }

            return _stopTask;
        }
    }

    /// <summary>Stops the server (see <see cref="StopAsync"/>) and waits for it.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync() => await StopAsync("the server was disposed").ConfigureAwait(false);

    internal static string FormatMode(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);

    private Socket Listen()
    {
        var directory = Path.GetDirectoryName(SocketPath);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new IOException($"cannot listen on {SocketPath}: the directory {directory} does not exist");
        }

        ClearStaleSocketFile();
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            // Before listen(), so nobody can connect through looser permissions set by the umask. (Windows has
            // AF_UNIX but no file modes.)
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(SocketPath, _options.SocketFileMode);
            }

            _boundFile = SocketFile.Inspect(SocketPath).Identity;
            listener.Listen(ListenBacklog);
            return listener;
        }
        catch (Exception ex)
        {
            listener.Dispose();
            throw ex is IOException ? ex : new IOException($"cannot listen on {SocketPath}: {ex.Message}", ex);
        }
    }

    // A socket file that refuses connections is a leftover of a server that was killed: remove it. Anything else at
    // the path belongs to someone, so it is an error and stays untouched.
    private void ClearStaleSocketFile()
    {
        var status = SocketFile.Inspect(SocketPath);
        switch (status.Kind)
        {
            case SocketFileKind.Missing:
                return;
            case SocketFileKind.Directory:
                throw new IOException($"cannot listen on {SocketPath}: it is a directory");
            case SocketFileKind.Symlink:
                throw new IOException($"cannot listen on {SocketPath}: it is a symbolic link; give the server the real path");
            case SocketFileKind.Other:
                throw new IOException($"cannot listen on {SocketPath}: a file that is not a socket is in the way; it was left alone");
            case SocketFileKind.Unknown:
                throw new IOException($"cannot listen on {SocketPath}: something is in the way and its type cannot be read on this platform; remove it if no server uses it");
        }

        bool abandoned;
        try
        {
            abandoned = SocketFile.IsAbandoned(SocketPath);
        }
        catch (SocketException ex)
        {
            throw new IOException($"cannot listen on {SocketPath}: probing the existing socket failed: {ex.Message}", ex);
        }

        if (!abandoned)
        {
            throw new IOException($"cannot listen on {SocketPath}: another server is listening on it");
        }

        File.Delete(SocketPath);
        _log.Warning("Removed the stale socket file {Path}: nothing was listening on it (a server that did not shut down cleanly)", SocketPath);
    }

    // Blocking accept() on a dedicated thread: accepting never depends on the thread pool, and closing the listener
    // wakes it.
    private Task AcceptLoop()
    {
        var listener = _listener!;
        var failures = new RateLimitedLog(_log, "Accepting a connection failed: {Error}");
        while (true)
        {
            Socket socket;
            try
            {
                socket = listener.Accept();
            }
            catch (Exception) when (Volatile.Read(ref _state) == StateStopped)
            {
                return Task.CompletedTask;
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                failures.Warn(ex.Message);
                Thread.Sleep(AcceptRetryDelay);
                continue;
            }

            Admit(socket);
        }
    }

    // On the accept thread: decide, hand off, return. Nothing here waits on the connection.
    private void Admit(Socket socket)
    {
        var id = Interlocked.Increment(ref _lastConnectionId);
        var log = _log.ForContext("Connection", id);
        // Only this thread increments, so the count cannot pass the cap between the check and the increment.
        if (Volatile.Read(ref _active) >= _options.MaxConnections)
        {
            Refuse(socket, log, $"connection limit of {_options.MaxConnections} reached; this connection is refused (the UDF server at {SocketPath} serves at most {_options.MaxConnections} at once)");
            return;
        }

        Interlocked.Increment(ref _active);
        UdfServerConnection connection;
        try
        {
            connection = new UdfServerConnection(id, socket, _handlerFactory, _options.Agent, log);
        }
        catch (Exception ex)
        {
            Interlocked.Decrement(ref _active);
            log.Error(ex, "Could not set up the connection");
            socket.Dispose();
            return;
        }

        _connections[id] = connection;
        log.Information("Connection accepted ({Active} active)", ActiveConnections);
        // The handler factory is user code and may be slow: it runs in the connection's own task, never here.
        connection.Completion = Task.Run(() => ServeAsync(connection));
    }

    private async Task ServeAsync(UdfServerConnection connection)
    {
        try
        {
            var result = await connection.RunAgentAsync().ConfigureAwait(false);
            if (result.Succeeded)
            {
                connection.Log.Information("Connection closed: the input ended and every response was delivered");
            }
            else
            {
                connection.Log.ForContext("Reason", result.Reason).Warning("Connection closed after a failure: {Error}", result.Error);
            }
        }
        catch (Exception ex)
        {
            connection.Log.Error(ex, "Connection failed unexpectedly");
        }
        finally
        {
            // Released before the socket closes, so a peer that has seen EOF can count on the slot being free.
            _connections.TryRemove(connection.Id, out _);
            Interlocked.Decrement(ref _active);
            connection.Close();
        }
    }

    // Over the cap: tell Kapacitor why in a frame it reads as the task's error, then close. The write cannot block:
    // a fresh socket's send buffer is far larger than one small frame. The rest happens off the accept thread.
    private void Refuse(Socket socket, ILogger log, string reason)
    {
        log.Warning("Refused a connection: {Reason}", reason);
        var frame = new ArrayBufferWriter<byte>();
        VarintFrame.WriteFrame(frame, new Response { Error = new ErrorResponse { Error = reason } });
        try
        {
            socket.Send(frame.WrittenSpan);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException ex)
        {
            log.Debug(ex, "The refused connection was already gone");
            socket.Dispose();
            return;
        }

        _ = DiscardThenCloseAsync(socket);
    }

    // Kapacitor answers an ErrorResponse by half-closing; reading its input up to then lets it read our text instead
    // of a reset caused by closing on unread data.
    private async Task DiscardThenCloseAsync(Socket socket)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            using var limit = new CancellationTokenSource(RefusalDrainLimit, _time);
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Gone or too slow: close anyway.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            socket.Dispose();
        }
    }

    private async Task StopCoreAsync(string reason)
    {
        try
        {
            _log.Information("Stopping ({Reason}): no new connections", reason);
            // Closing the listener wakes the accept loop and removes the socket file (.NET unlinks the path it bound).
            _listener?.Dispose();
            await _acceptLoop.ConfigureAwait(false);
            RemoveSocketFile();
            await DrainAsync(reason).ConfigureAwait(false);
            _log.Information("Stopped");
        }
        catch (Exception ex)
        {
            _log.Error(ex, "Stopping failed");
        }
        finally
        {
            FileDescriptorLimit.Release(_options.MaxConnections);
            _stopped.TrySetResult();
        }
    }

    private void RemoveSocketFile()
    {
        try
        {
            var status = SocketFile.Inspect(SocketPath);
            // Only the very file this server bound: another server may have taken the path since.
            if (status.Kind == SocketFileKind.Socket && status.Identity == _boundFile)
            {
                File.Delete(SocketPath);
            }
        }
        catch (IOException ex)
        {
            _log.Warning(ex, "Could not remove the socket file {Path}", SocketPath);
        }
    }

    private async Task DrainAsync(string reason)
    {
        // The accept loop has ended, so no connection can be added from here on.
        var inFlight = _connections.Values.ToList();
        if (inFlight.Count == 0)
        {
            return;
        }

        _log.Information("Waiting up to {Deadline} for {Count} connection(s) to end", _options.DrainTimeout, inFlight.Count);
        var all = Task.WhenAll(inFlight.Select(c => c.Completion));
        if (await EndsWithinAsync(all, _options.DrainTimeout).ConfigureAwait(false))
        {
            return;
        }

        var remaining = _connections.Values.ToList();
        _log.Warning("{Count} connection(s) still open after {Deadline}: ending them", remaining.Count, _options.DrainTimeout);
        var error = $"the UDF server at {SocketPath} is shutting down: {reason}";
        await Task.WhenAll(remaining.Select(c => c.EndAsync(error, ShutdownErrorLimit, _time))).ConfigureAwait(false);
        if (!await EndsWithinAsync(all, ForcedCloseLimit).ConfigureAwait(false))
        {
            foreach (var connection in _connections.Values)
            {
                connection.Log.Error("Connection did not end after being abandoned; closing its socket");
                connection.Close();
            }
        }
    }

    private async Task<bool> EndsWithinAsync(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit, _time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
