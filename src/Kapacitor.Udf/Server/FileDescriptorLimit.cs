using System.Runtime.InteropServices;

namespace Kapacitor.Udf;

/// <summary>
/// The open-file limit a socket server lives within: every connection is a descriptor. At start the soft limit is
/// raised to the hard limit (the .NET JIT runtime does this by itself, a native executable does not: under
/// <c>ulimit -Sn 1024</c> it would be left with 1024), and the servers' connection caps must fit what is left after
/// <see cref="Headroom"/>.
/// </summary>
internal static class FileDescriptorLimit
{
    /// <summary>Descriptors a process needs besides its connections: the listener, STDIN/STDOUT/STDERR, the runtime's
    /// own (epoll, event and signal descriptors, mapped files) and log files, with room to spare.</summary>
    public const int Headroom = 64;

    // Linux's RLIMIT_NOFILE, on every architecture .NET supports there.
    private const int RlimitNoFile = 7;
    private const ulong Infinity = ulong.MaxValue;

    private static readonly Lock Gate = new();
    private static long s_reserved;

    /// <summary>Raises the soft limit to the hard limit (Linux; elsewhere nothing is changed).</summary>
    /// <returns>The soft limit now in force, or <see langword="null"/> when it cannot be read.</returns>
    public static ulong? RaiseSoftLimit()
    {
        if (!OperatingSystem.IsLinux() || getrlimit(RlimitNoFile, out var limit) != 0)
        {
            return null;
        }

        if (limit.Current < limit.Maximum && setrlimit(RlimitNoFile, limit with { Current = limit.Maximum }) == 0)
        {
            return limit.Maximum;
        }

        return limit.Current;
    }

    /// <summary>Raises the limit, then reserves descriptors for <paramref name="connections"/> more connections.</summary>
    /// <exception cref="IOException">The limit cannot hold every started server's cap plus <see cref="Headroom"/>.</exception>
    public static void Reserve(int connections, string socketPath)
    {
        var limit = RaiseSoftLimit();
        lock (Gate)
        {
            var needed = s_reserved + connections + Headroom;
            if (limit is { } soft && soft != Infinity && (ulong)needed > soft)
            {
                throw new IOException(
                    $"cannot listen on {socketPath}: MaxConnections {connections}{(s_reserved > 0 ? $" (plus {s_reserved} for the other servers in this process)" : "")} needs {needed} open files, "
                    + $"but the open-file limit is {soft}: raise it (systemd LimitNOFILE=, ulimit -n) or lower MaxConnections");
            }

            s_reserved += connections;
        }
    }

    /// <summary>Gives back what <see cref="Reserve"/> took, when a server stops.</summary>
    public static void Release(int connections)
    {
        lock (Gate)
        {
            s_reserved -= connections;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    internal readonly record struct RLimit(ulong Current, ulong Maximum);

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SA1300, IDE1006 // The libc names, as they are.
    internal static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    internal static extern int setrlimit(int resource, in RLimit limit);
#pragma warning restore SA1300, IDE1006
}
