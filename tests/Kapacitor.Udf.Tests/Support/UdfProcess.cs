using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Kapacitor.Udf.Tests.Support;

/// <summary>A real UDF executable (the Mirror example) run as Kapacitor or an operator would, never with
/// <c>dotnet run</c>. Every wait is bounded; disposal kills the whole process tree.</summary>
internal sealed class UdfProcess : IAsyncDisposable
{
    public const int SIGTERM = 15;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly ConcurrentQueue<string> _stdout = new();

    private UdfProcess(Process process) => Process = process;

    public Process Process { get; }

    public IEnumerable<string> StderrLines => _stderr;

    public IEnumerable<string> StdoutLines => _stdout;

    public static string MirrorDll { get; } = Metadata("MirrorDll");

    /// <summary>The fault-injecting test UDF (tests/Kapacitor.Udf.FaultyUdf), as built.</summary>
    public static string FaultyUdfDll { get; } = Metadata("FaultyUdfDll");

    /// <summary>Starts Mirror with <paramref name="args"/>. With <paramref name="rawStdio"/>, STDIN/STDOUT stay
    /// unread by this class, for the protocol (process mode).</summary>
    public static UdfProcess StartMirror(bool rawStdio, params string[] args) => Start(MirrorDll, rawStdio, null, args);

    /// <summary>Starts a built UDF (<c>dotnet DLL args</c>) with <paramref name="environment"/> added.</summary>
    public static UdfProcess Start(string dll, bool rawStdio, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartLimited(null, dll, rawStdio, environment, args);

    /// <summary>As <see cref="Start"/>, with the shell's <c>ulimit</c> options applied first (e.g. <c>-Sn 1024</c>).</summary>
    public static UdfProcess StartLimited(string? ulimit, string dll, bool rawStdio, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(ulimit is null ? dotnet : "bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (ulimit is not null)
        {
            // exec: the UDF replaces the shell, so the pid, signals and limits are the UDF's own.
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"ulimit {ulimit} && exec \"$0\" \"$@\"");
            start.ArgumentList.Add(dotnet);
        }

        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The UDF's settings are the test's, never the runner's (KAPACITOR_UDF_SOAK_POINTS, say, is for SoakTests).
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("KAPACITOR_UDF_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var udf = new UdfProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                udf._stderr.Enqueue(e.Data);
            }
        };
        if (!rawStdio)
        {
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    udf._stdout.Enqueue(e.Data);
                }
            };
        }

        process.Start();
        process.BeginErrorReadLine();
        if (!rawStdio)
        {
            process.BeginOutputReadLine();
        }

        return udf;
    }

    public async Task WaitForStderrAsync(string contains)
    {
        bool Logged() => _stderr.Any(l => l.Contains(contains, StringComparison.Ordinal));
        await Eventually.TrueAsync(() => Logged() || Process.HasExited, $"a STDERR line containing '{contains}'", Timeout);
        if (!Logged())
        {
            throw new InvalidOperationException($"the process exited without logging '{contains}': {string.Join(" / ", _stderr)}");
        }
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await Process.WaitForExitAsync(timeout.Token);
        return Process.ExitCode;
    }

    public void Signal(int signal)
    {
        if (kill(Process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>The process's thread count, from /proc.</summary>
    public int Threads => int.Parse(StatusField("Threads:"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A field of /proc/PID/status, trimmed (e.g. <c>VmRSS:</c> gives <c>"41232 kB"</c>).</summary>
    public string StatusField(string name) =>
        File.ReadLines($"/proc/{Process.Id}/status").Single(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim();

    /// <summary>Whether an assembly file is mapped into the process (the runtime maps every assembly it loads).</summary>
    public bool HasLoaded(string assemblyFile) =>
        File.ReadLines($"/proc/{Process.Id}/maps").Any(l => l.EndsWith("/" + assemblyFile, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(Timeout);
                await Process.WaitForExitAsync(timeout.Token);
            }
        }
        finally
        {
            Process.Dispose();
        }
    }

    private static string Metadata(string key) =>
        typeof(UdfProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SA1300, IDE1006 // The libc name, as it is.
    private static extern int kill(int pid, int sig);
#pragma warning restore SA1300, IDE1006
}
