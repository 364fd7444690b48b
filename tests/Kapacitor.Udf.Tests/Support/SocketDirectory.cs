using System.Runtime.InteropServices;

namespace Kapacitor.Udf.Tests.Support;

/// <summary>A per-test folder under /tmp, short enough for socket paths (108-byte limit), removed on dispose.</summary>
internal sealed class SocketDirectory : IDisposable
{
    public SocketDirectory() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine("/tmp", "kudf-" + Guid.NewGuid().ToString("N")[..10]);

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>Leaves a socket file with nothing listening on it, as a killed server does: a second name for a
    /// bound socket's file survives the socket (whose own name .NET unlinks on dispose).</summary>
    public string CreateStaleSocket(string name)
    {
        var path = PathOf(name);
        var temporary = PathOf(name + ".tmp");
        using (var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(temporary));
            if (link(temporary, path) != 0)
            {
                throw new IOException($"link failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover folder in /tmp is harmless.
        }
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SA1300, IDE1006 // The libc name, as it is.
    private static extern int link(string oldpath, string newpath);
#pragma warning restore SA1300, IDE1006
}
