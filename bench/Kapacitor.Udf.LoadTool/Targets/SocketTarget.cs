using System.Net.Sockets;
using Kapacitor.Udf.LoadTool.Measurement;

namespace Kapacitor.Udf.LoadTool.Targets;

/// <summary>
/// Connects to a socket UDF server, as Kapacitor does for <c>socket = "..."</c>: one connection per run, end of input =
/// half-close (<c>shutdown(SHUT_WR)</c>), the run ends when the server closes its side.
/// </summary>
/// <remarks>
/// A server is shared by all its connections, so its CPU for one connection can only be estimated: with
/// <c>--server-pid</c>, the difference of its /proc/&lt;pid&gt;/stat utime+stime between connect and the end of the
/// connection (10 ms resolution, and it includes anything else the server did meanwhile). Its VmHWM is the server's
/// lifetime peak, not this connection's. Without a pid there is no CPU or memory figure.
/// </remarks>
internal sealed class SocketTargetFactory : IUdfTargetFactory
{
    private readonly string _path;
    private readonly int? _serverPid;

    public SocketTargetFactory(string path, int? serverPid)
    {
        _path = Path.GetFullPath(path);
        _serverPid = serverPid;
    }

    public string Description => $"socket {_path}" + (_serverPid is { } pid ? $" (server pid {pid})" : "");

    public IUdfTarget Start()
    {
        var cpuAtStart = _serverPid is { } pid ? ProcFs.TryReadCpu(pid) : null;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(_path));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new SocketTarget(socket, _serverPid, cpuAtStart);
    }
}

internal sealed class SocketTarget : IUdfTarget
{
    private readonly Socket _socket;
    private readonly TimeSpan? _cpuAtStart;
    private TimeSpan? _cpu;

    public SocketTarget(Socket socket, int? serverPid, TimeSpan? cpuAtStart)
    {
        _socket = socket;
        _cpuAtStart = cpuAtStart;
        ProcessId = serverPid;
        var stream = new NetworkStream(socket, ownsSocket: false);
        Input = stream;
        Output = stream;
    }

    public Stream Input { get; }

    public Stream Output { get; }

    public int? ProcessId { get; }

    public TimeSpan? Cpu => _cpu;

    public string StderrTail => "";

    public void CloseInput() => _socket.Shutdown(SocketShutdown.Send);

    // The load run calls this once the server's side has ended (the reader saw EOF): the connection is over.
    public int? WaitForExit(TimeSpan timeout)
    {
        if (ProcessId is { } pid && _cpuAtStart is { } start && ProcFs.TryReadCpu(pid) is { } now)
        {
            _cpu ??= now - start;
        }

        return 0;
    }

    public void Kill()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already closed.
        }
        catch (ObjectDisposedException)
        {
            // Already disposed.
        }
    }

    public void Dispose()
    {
        Input.Dispose();
        _socket.Dispose();
    }
}
