using Serilog;

namespace Kapacitor.Udf;

/// <summary>The limits of a <see cref="UdfServer"/>. Every limit has a safe default.</summary>
public sealed record UdfServerOptions
{
    /// <summary>The default <see cref="SocketFileMode"/>: <c>0660</c>, read and write for the owner and the group.</summary>
    public const UnixFileMode DefaultSocketFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>The options of every connection's agent (frame size, queue, timeouts, clock). Its
    /// <see cref="UdfAgentOptions.Logger"/> is replaced by <see cref="Logger"/> with the connection's number added.</summary>
    public UdfAgentOptions Agent { get; init; } = new();

    /// <summary>Where the server and its connections log (default: nowhere). Connection events carry a
    /// <c>Connection</c> property, printed as <c>conn=N</c> by <see cref="UdfLogging.CreateStderrLogger"/>'s lines.</summary>
    public ILogger Logger { get; init; } = Serilog.Core.Logger.None;

    /// <summary>The permissions of the socket file, set right after it is created (default <c>0660</c>). On Linux,
    /// connecting needs write permission, so <c>0660</c> lets a <c>kapacitord</c> that shares the server's group
    /// connect, and nobody else. Use <c>0666</c> only when any local user may drive the UDF.
    /// An operator sets it with <c>--socket-file-mode</c> or <c>KAPACITOR_UDF_SOCKET_FILE_MODE</c> (an executable on <c>UdfHost</c>).</summary>
    public UnixFileMode SocketFileMode { get; init; } = DefaultSocketFileMode;

    /// <summary>How many connections are served at once (default 1024). A connection beyond it is sent one
    /// <c>ErrorResponse</c> saying so and closed, so Kapacitor fails that task at once with a clear reason instead
    /// of a keepalive timeout.
    /// An operator sets it with <c>--max-connections</c> or <c>KAPACITOR_UDF_MAX_CONNECTIONS</c> (an executable on <c>UdfHost</c>).</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>How long, once the server stops, connections in flight may take to end by themselves (Kapacitor
    /// closes them when it stops a task or itself) before each is sent an <c>ErrorResponse</c> and closed
    /// (default 5 s: under Docker's 10 s grace before SIGKILL).
    /// An operator sets it with <c>--server-drain-timeout</c> or <c>KAPACITOR_UDF_SERVER_DRAIN_TIMEOUT</c> (an executable on <c>UdfHost</c>).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Agent, nameof(Agent));
        ArgumentNullException.ThrowIfNull(Logger, nameof(Logger));
        Agent.Validate();
        if (MaxConnections <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConnections), $"{nameof(MaxConnections)} must be positive");
        }

        if (DrainTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DrainTimeout), $"{nameof(DrainTimeout)} must not be negative");
        }

        // Checked here, not at shutdown: Task.WaitAsync throws for a longer wait, which StopAsync would have thrown
        // with connections in flight instead of draining them.
        if (DrainTimeout > UdfAgentOptions.MaxTimerDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(DrainTimeout), $"{nameof(DrainTimeout)} must be at most {UdfAgentOptions.MaxTimerDelay} (the longest .NET timer)");
        }

        // Connecting to a Unix socket needs write permission on its file; execute, setuid, setgid and sticky bits
        // mean nothing on a socket, so asking for them is a mistake.
        const UnixFileMode readWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead
            | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        if ((SocketFileMode & ~readWrite) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SocketFileMode),
                $"{nameof(SocketFileMode)} {UdfServer.FormatMode(SocketFileMode)} may only hold read and write permission bits (0666)");
        }

        if ((SocketFileMode & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SocketFileMode),
                $"{nameof(SocketFileMode)} {UdfServer.FormatMode(SocketFileMode)} grants no write permission, so no client could connect (connecting to a Unix socket needs write permission)");
        }
    }
}
