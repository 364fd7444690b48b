using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Kapacitor.Udf;

/// <summary>
/// What is at a socket path, and whether an existing socket file is a leftover nobody listens on.
/// </summary>
/// <remarks>
/// .NET reports a socket file as a plain file (<see cref="FileAttributes.Normal"/>), and connecting to a regular file
/// fails with the same ECONNREFUSED as a stale socket, so the file type comes from <c>statx(2)</c>: its buffer layout
/// is the same on every architecture (unlike <c>struct stat</c>), and every libc that .NET 10 supports exports it.
/// Where it is missing the type is <see cref="SocketFileKind.Unknown"/> and nothing is ever deleted.
/// </remarks>
internal static class SocketFile
{
    /// <summary>The longest path a <c>sockaddr_un</c> holds, in bytes, without the terminating NUL.</summary>
    public const int MaxPathBytes = 107;

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const int StatxBufferSize = 256;
    private const int ModeOffset = 28; // __u16 stx_mode
    private const int InodeOffset = 32; // __u64 stx_ino
    private const int DevMajorOffset = 136; // __u32 stx_dev_major, then __u32 stx_dev_minor
    private const int TypeMask = 0xF000;
    private const int TypeSocket = 0xC000;
    private const int TypeDirectory = 0x4000;
    private const int TypeSymlink = 0xA000;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    /// <summary>What is at <paramref name="path"/> (not following a symlink), and which file it is.</summary>
    public static SocketFileStatus Inspect(string path)
    {
        var buffer = new byte[StatxBufferSize];
        int result;
        try
        {
            result = statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxIno, buffer);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return new SocketFileStatus(Directory.Exists(path) ? SocketFileKind.Directory
                : File.Exists(path) ? SocketFileKind.Unknown
                : SocketFileKind.Missing, null);
        }

        if (result != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is ENOENT or ENOTDIR
                ? new SocketFileStatus(SocketFileKind.Missing, null)
                : throw new IOException($"cannot inspect {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        var type = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(ModeOffset)) & TypeMask;
        var identity = new SocketFileIdentity(
            BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(DevMajorOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(DevMajorOffset + 4)),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(InodeOffset)));
        var kind = type switch
        {
            TypeSocket => SocketFileKind.Socket,
            TypeDirectory => SocketFileKind.Directory,
            TypeSymlink => SocketFileKind.Symlink,
            _ => SocketFileKind.Other,
        };
        return new SocketFileStatus(kind, identity);
    }

    /// <summary>Whether connecting to the socket file at <paramref name="path"/> is refused: nothing listens on it.</summary>
    /// <returns><see langword="true"/> for ECONNREFUSED; <see langword="false"/> when something accepts or would
    /// accept (a full backlog) the connection.</returns>
    /// <exception cref="SocketException">Any other failure (for example, no permission to connect).</exception>
    public static bool IsAbandoned(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        // Non-blocking: a live listener with a full backlog answers EAGAIN instead of making startup wait.
        probe.Blocking = false;
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress or SocketError.TryAgain)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
#pragma warning disable SA1300, IDE1006 // The libc name, as it is.
    private static extern int statx(int dirfd, string pathname, int flags, uint mask, byte[] statxbuf);
#pragma warning restore SA1300, IDE1006
}

/// <summary>The kinds of thing a socket path can hold.</summary>
internal enum SocketFileKind
{
    /// <summary>Nothing: the path is free.</summary>
    Missing,

    /// <summary>A Unix socket file, live or stale.</summary>
    Socket,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (never followed, never deleted).</summary>
    Symlink,

    /// <summary>A regular file, a FIFO, a device.</summary>
    Other,

    /// <summary>Something that is not a directory, on a platform where the type cannot be read.</summary>
    Unknown,
}

/// <summary>Which file a path named at one moment: device and inode.</summary>
internal readonly record struct SocketFileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode);

/// <summary>What <see cref="SocketFile.Inspect"/> found.</summary>
internal readonly record struct SocketFileStatus(SocketFileKind Kind, SocketFileIdentity? Identity);
