using System.Globalization;
using System.Runtime.InteropServices;

namespace Kapacitor.Udf.LoadTool.Measurement;

/// <summary>What /proc says about a live process: memory high-water mark and CPU ticks.</summary>
internal static partial class ProcFs
{
    private static readonly Lazy<long> ClockTicksPerSecond = new(() => sysconf(2 /* _SC_CLK_TCK */) is var t and > 0 ? t : 100);

    /// <summary>A snapshot of /proc/&lt;pid&gt;/status and /proc/&lt;pid&gt;/stat.</summary>
    /// <param name="PeakRssBytes">VmHWM: the most resident memory the process has had, ever (kernel-maintained, so a
    /// sample taken at any time after the peak sees it).</param>
    /// <param name="RssBytes">VmRSS now.</param>
    /// <param name="RssAnonBytes">RssAnon now (heap, stacks): what grows if memory is not flat.</param>
    /// <param name="Threads">Threads now.</param>
    /// <param name="Cpu">utime + stime so far, at clock-tick (usually 10 ms) resolution.</param>
    public sealed record Sample(long? PeakRssBytes, long? RssBytes, long? RssAnonBytes, int? Threads, TimeSpan? Cpu);

    /// <summary>Reads the process's status and stat; <see langword="null"/> once it is gone (or a zombie: a zombie
    /// has no memory left to report).</summary>
    public static Sample? TryRead(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            var peak = Kilobytes(status, "VmHWM:");
            if (peak is null)
            {
                return null;
            }

            var threads = Field(status, "Threads:") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : (int?)null;
            return new Sample(peak, Kilobytes(status, "VmRSS:"), Kilobytes(status, "RssAnon:"), threads, TryReadCpu(pid));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>utime + stime from /proc/&lt;pid&gt;/stat.</summary>
    public static TimeSpan? TryReadCpu(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
            var ticks = long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds((double)ticks / ClockTicksPerSecond.Value);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>/proc/loadavg's first three fields: how busy the machine was (noisy measurements show here).</summary>
    public static string? LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The first "model name" of /proc/cpuinfo.</summary>
    public static string? CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } line
                ? line[(line.IndexOf(':') + 1)..].Trim()
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? Field(string[] lines, string name) =>
        lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line ? line[name.Length..].Trim() : null;

    private static long? Kilobytes(string[] lines, string name) =>
        Field(lines, name) is { } value && long.TryParse(value.Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb)
            ? kb * 1024
            : null;

    [LibraryImport("libc")]
    private static partial long sysconf(int name);
}
