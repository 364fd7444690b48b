using System.Runtime.InteropServices;

namespace Kapacitor.Udf.LoadTool.Measurement;

/// <summary>
/// CPU time from the kernel's own accounting (<c>getrusage</c>). <see cref="Children"/> is the sum of user+system
/// time of every child this process has waited for: taken before a spawn and after the child has been reaped, the
/// difference is that child's whole CPU time, all threads, from exec to exit (runtime start-up, JIT, GC and
/// shutdown included), at microsecond resolution. The tool runs one child at a time, so nothing else is mixed in.
/// </summary>
internal static partial class Rusage
{
    private const int RusageSelf = 0;
    private const int RusageChildren = -1;

    /// <summary>User + system CPU of all reaped children so far.</summary>
    public static TimeSpan Children() => Get(RusageChildren);

    /// <summary>User + system CPU of this process (the driver) so far.</summary>
    public static TimeSpan Self() => Get(RusageSelf);

    private static TimeSpan Get(int who)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the load tool measures CPU with Linux getrusage");
        }

        if (getrusage(who, out var usage) != 0)
        {
            throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return usage.UserTime.ToTimeSpan() + usage.SystemTime.ToTimeSpan();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrusage(int who, out RusageStruct usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timeval
    {
        public long Seconds;
        public long Microseconds;

        public readonly TimeSpan ToTimeSpan() => TimeSpan.FromSeconds(Seconds) + TimeSpan.FromMicroseconds(Microseconds);
    }

    // struct rusage on 64-bit Linux: two timevals, then fourteen longs.
    [StructLayout(LayoutKind.Sequential)]
    private struct RusageStruct
    {
        public Timeval UserTime;
        public Timeval SystemTime;
        public long MaxRss;
        public long IxRss;
        public long IdRss;
        public long IsRss;
        public long MinFlt;
        public long MajFlt;
        public long NSwap;
        public long InBlock;
        public long OuBlock;
        public long MsgSnd;
        public long MsgRcv;
        public long NSignals;
        public long NVcsw;
        public long NIvcsw;
    }
}
