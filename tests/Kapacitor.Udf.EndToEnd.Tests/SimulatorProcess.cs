using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace Kapacitor.Udf.EndToEnd.Tests;

/// <summary>
/// The simulator's command line as a user runs it: its own process (the apphost the build copied next to these
/// tests), STDIN a pipe the test writes, STDOUT read line by line as it comes, STDERR collected.
/// </summary>
internal sealed class SimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly Task _pumps;

    private SimulatorProcess(Process process, bool readStdout)
    {
        _process = process;
        _pumps = Task.WhenAll(readStdout ? PumpStdoutAsync() : Task.CompletedTask, PumpStderrAsync());
    }

    public int Id => _process.Id;

    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>STDOUT itself, for a test that reads it (or not) on its own (started with readStdout: false).</summary>
    public StreamReader Output => _process.StandardOutput;

    public IReadOnlyList<string> StderrLines => _stderr.ToArray();

    /// <summary>Starts <c>kapacitor-udf-sim</c> with <paramref name="arguments"/>; in a process group of its own (through
    /// setsid) when <paramref name="ownProcessGroup"/>, as a shell starts a foreground job, so the group can be signalled.
    /// STDOUT is read as it comes unless <paramref name="readStdout"/> is false (then see <see cref="Output"/>).</summary>
    public static SimulatorProcess Start(IReadOnlyList<string> arguments, bool ownProcessGroup = false, bool readStdout = true)
    {
        var simulator = Path.Combine(AppContext.BaseDirectory, "Kapacitor.Udf.Simulator");
        var startInfo = new ProcessStartInfo(ownProcessGroup ? "setsid" : simulator)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (ownProcessGroup)
        {
            // setsid replaces itself with the simulator: same process, now leading its own group.
            startInfo.ArgumentList.Add(simulator);
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return new SimulatorProcess(Process.Start(startInfo)!, readStdout);
    }

    /// <summary>The next line of STDOUT; null when STDOUT has ended.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await _stdout.Reader.ReadAsync(cancel.Token);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Writes lines to STDIN and flushes them.</summary>
    public async Task WriteAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Sends a signal to the simulator's whole process group, as the terminal does on Ctrl-C.</summary>
    public async Task SignalGroupAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, "--", "-" + _process.Id.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        kill.ExitCode.Should().Be(0, "the simulator leads its process group");
    }

    /// <summary>The simulator's peak resident memory so far (VmHWM from /proc), in bytes; null once it has exited.</summary>
    public long? PeakResidentBytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        await _pumps.WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private async Task PumpStdoutAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            await _stdout.Writer.WriteAsync(line);
        }

        _stdout.Writer.Complete();
    }

    private async Task PumpStderrAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            _stderr.Enqueue(line);
        }
    }
}
