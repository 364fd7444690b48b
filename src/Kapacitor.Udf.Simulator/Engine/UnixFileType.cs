using System.Runtime.InteropServices;

namespace Kapacitor.Udf.Simulator.Engine;

// What kind of file a path names, for connect errors that say what is wrong. .NET's file APIs do not tell a socket
// from a regular file (both are "Normal"), so this asks the kernel with statx(2), whose buffer layout is the same on
// every Linux architecture; elsewhere (or with a C library without statx) only missing files and directories are told apart.
internal static partial class UnixFileType
{
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int StatxBufferSize = 256;
    private const int ModeOffset = 28;
    private const int NoSuchFile = 2;

    public enum Kind
    {
        Unknown,
        Missing,
        Socket,
        Directory,
        RegularFile,
        Fifo,
        Other,
    }

    public static Kind Of(string path)
    {
        try
        {
            Span<byte> buffer = stackalloc byte[StatxBufferSize];
            if (Statx(AtCurrentDirectory, path, 0, StatxType, buffer) != 0)
            {
                return Marshal.GetLastPInvokeError() == NoSuchFile ? Kind.Missing : Fallback(path);
            }

            return (BitConverter.ToUInt16(buffer[ModeOffset..]) & 0xF000) switch
            {
                0xC000 => Kind.Socket,
                0x4000 => Kind.Directory,
                0x8000 => Kind.RegularFile,
                0x1000 => Kind.Fifo,
                _ => Kind.Other,
            };
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return Fallback(path);
        }
    }

    public static string Describe(Kind kind) => kind switch
    {
        Kind.Directory => "a directory",
        Kind.RegularFile => "a regular file",
        Kind.Fifo => "a FIFO",
        _ => "neither a socket nor a regular file",
    };

    private static Kind Fallback(string path) =>
        Directory.Exists(path) ? Kind.Directory : File.Exists(path) ? Kind.Unknown : Kind.Missing;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int directory, string path, int flags, uint mask, Span<byte> buffer);
}
