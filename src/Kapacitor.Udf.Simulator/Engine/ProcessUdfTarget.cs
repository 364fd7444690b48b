using System.Diagnostics;
using System.Text;

namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>
/// A UDF that Kapacitor starts as a process (<c>prog</c>, <c>args</c>, <c>env</c> in <c>kapacitor.conf</c>): one
/// process per connection, frames over STDIN/STDOUT, STDERR read line by line.
/// </summary>
/// <param name="program">The executable (looked up in PATH when it has no directory, as Kapacitor does).</param>
/// <param name="arguments">Its arguments.</param>
/// <param name="environment">Variables added to the simulator's own environment (later entries win), like <c>env</c>.</param>
public sealed class ProcessUdfTarget(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null) : IUdfTarget
{
    /// <summary>The executable.</summary>
    public string Program { get; } = program ?? throw new ArgumentNullException(nameof(program));

    /// <summary>Its arguments.</summary>
    public IReadOnlyList<string> Arguments { get; } = arguments ?? throw new ArgumentNullException(nameof(arguments));

    /// <summary>The added environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; } = environment ?? new Dictionary<string, string>();

    /// <summary>
    /// Whether the UDF runs in a session (and process group) of its own, started through <c>setsid</c> (util-linux), so
    /// that the terminal's Ctrl-C, which signals the whole foreground process group, reaches the simulator and not the
    /// UDF: the simulator then stops the task as Kapacitor would, and the UDF sees the end of its input. <c>setsid</c>
    /// replaces itself with the UDF, so the process, its ID and its exit code are the UDF's. Where <c>setsid</c> is not
    /// installed the UDF is started directly (see <see cref="SessionFallback"/>).
    /// </summary>
    public bool StartInNewSession { get; init; }

    /// <summary>Why <see cref="StartInNewSession"/> cannot be honoured on this machine (no <c>setsid</c> in PATH); null when it can.</summary>
    public static string? SessionFallback => Setsid is null
        ? "setsid (util-linux) is not in PATH: the UDF shares the simulator's process group, so a Ctrl-C in the terminal reaches the UDF too"
        : null;

    private static string? Setsid { get; } = FindInPath("setsid");

    /// <inheritdoc />
    public string DisplayName => Arguments.Count == 0 ? Program : $"{Program} {string.Join(' ', Arguments)}";

    /// <inheritdoc />
    public Task<IUdfConnection> OpenAsync(Action<string> stderrLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stderrLine);
        cancellationToken.ThrowIfCancellationRequested();
        // Resolved here, as .NET would, so that a missing program is a clear error also when setsid runs it.
        var program = Resolve(Program) ?? throw new IOException($"cannot start {DisplayName}: {Program} is not a file{(Program.Contains('/', StringComparison.Ordinal) ? string.Empty : ", nor in PATH")}");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(program) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
        {
            throw new IOException($"cannot start {DisplayName}: {program} is not executable (chmod +x, or run a .dll as: dotnet X.dll)");
        }

        var newSession = StartInNewSession && Setsid is not null;
        var startInfo = new ProcessStartInfo(newSession ? Setsid! : program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (newSession)
        {
            startInfo.ArgumentList.Add(program);
        }

        foreach (var argument in Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in Environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new IOException($"cannot start {DisplayName}: {ex.Message}", ex);
        }

        return Task.FromResult<IUdfConnection>(new ProcessConnection(process, stderrLine));
    }

    // A path with a slash is taken as it is (relative to the working directory); a bare name is looked up in PATH.
    private static string? Resolve(string program) =>
        program.Contains('/', StringComparison.Ordinal) ? (File.Exists(program) ? Path.GetFullPath(program) : null) : FindInPath(program);

    private static string? FindInPath(string name) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private sealed class ProcessConnection : IUdfConnection
    {
        private readonly Process _process;
        private readonly Task _stderr;

        public ProcessConnection(Process process, Action<string> stderrLine)
        {
            _process = process;
            _stderr = PumpStderrAsync(process.StandardError, stderrLine);
        }

        // The raw pipes: the StreamWriter/StreamReader wrappers are never used, so no text buffering touches the frames.
        public Stream Requests => _process.StandardInput.BaseStream;

        public Stream Responses => _process.StandardOutput.BaseStream;

        public ValueTask CloseRequestsAsync()
        {
            _process.StandardInput.Close();
            return ValueTask.CompletedTask;
        }

        public async Task<int?> WaitForExitAsync(CancellationToken cancellationToken)
        {
            // Kapacitor waits for STDERR to end before cmd.Wait(), so a child holding STDERR open delays the exit too.
            await _stderr.WaitAsync(cancellationToken);
            await _process.WaitForExitAsync(cancellationToken);
            return _process.ExitCode;
        }

        public void Kill()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
        }

        public async ValueTask DisposeAsync()
        {
            Kill();
            try
            {
                await _stderr.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                // A grandchild still holds STDERR; nothing more to collect.
            }

            _process.Dispose();
        }

        private static async Task PumpStderrAsync(StreamReader stderr, Action<string> stderrLine)
        {
            try
            {
                while (await stderr.ReadLineAsync() is { } line)
                {
                    stderrLine(line);
                }
            }
            catch (IOException)
            {
                // The pipe broke when the process was killed; the lines so far were delivered.
            }
            catch (ObjectDisposedException)
            {
                // Disposed while reading.
            }
        }
    }
}
