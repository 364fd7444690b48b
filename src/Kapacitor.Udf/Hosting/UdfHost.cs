using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Serilog;

namespace Kapacitor.Udf;

/// <summary>
/// The entry point of a UDF executable: <c>return await UdfHost.RunAsync(args, ctx =&gt; new MyHandler(ctx));</c>
/// One executable serves both of Kapacitor's modes:
/// <list type="bullet">
/// <item><description>no arguments: process mode, Kapacitor's requests on STDIN and responses on STDOUT
/// (<c>prog = "/path/to/udf"</c>);</description></item>
/// <item><description><c>--socket PATH</c>: socket mode, a long-running <see cref="UdfServer"/> that Kapacitor
/// connects to (<c>socket = "PATH"</c>); SIGTERM or SIGINT stops it, drains it and removes the socket
/// file;</description></item>
/// <item><description><c>--health --socket PATH</c>: an Info round trip to a running server; exit 0 when it
/// answers;</description></item>
/// <item><description><c>--describe</c>: the UDF's options and ready <c>kapacitor.conf</c> and TICKscript
/// snippets.</description></item>
/// </list>
/// In every mode the operator may set any limit of <see cref="UdfHostOptions"/> without recompiling:
/// <c>--max-handler-time 5m</c> on the command line (kapacitor.conf <c>args</c>) or
/// <c>KAPACITOR_UDF_MAX_HANDLER_TIME=5m</c> in the environment (<c>[udf.functions.NAME.env]</c>); the command line
/// wins over the environment, both over the options given in code. A bad value is refused before the protocol
/// starts with one STDERR line and exit code 2. <c>--help</c> lists them.
/// The only code in the library that touches <see cref="Console"/>.
/// </summary>
public static partial class UdfHost
{
    // How long a finished UDF may linger (a foreground thread of the user's) before it is made to exit:
    // Kapacitor waits for the process with no timeout, so a lingering UDF hangs task stop (docs/protocol.md, "Ending").
    private static readonly TimeSpan LingerLimit = TimeSpan.FromSeconds(5);

    /// <summary>Runs one UDF in the mode the command line selects (see <see cref="UdfHost"/>); logs go to STDERR.</summary>
    /// <param name="args">The command line: none for process mode, <c>--socket PATH</c> for socket mode,
    /// <c>--health --socket PATH</c> for a health probe, <c>--help</c> for usage.</param>
    /// <param name="handlerFactory">Creates a handler, given its context: once in process mode, once per connection
    /// in socket mode (resources shared by all connections are captured by the factory).</param>
    /// <param name="options">Limits and logging; defaults when <see langword="null"/>.</param>
    /// <returns>The process exit code: 0 when the input ended and everything was delivered (process mode), the
    /// server stopped on a signal (socket mode) or the server answered (health); 1 after a failure; 2 for a usage
    /// error.</returns>
    public static Task<int> RunAsync(string[] args, Func<UdfHandlerContext, IUdfHandler> handlerFactory, UdfHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(handlerFactory);
        var catalog = UdfCatalog.Single(handlerFactory);
        var limits = ApplyLimits(args, options ??= new UdfHostOptions());
        if (limits.Error is { } error)
        {
            return UsageErrorAsync(error);
        }

        // Kapacitor's Info probe starts a process UDF at every kapacitord start, with no arguments but limits: that
        // path must not load the command-line parser.
        return limits.Rest.Length == 0
            ? RunProcessOrHelpAsync(handlerFactory, limits.Options, catalog)
            : RunCommandLineAsync(limits, catalog, options);
    }

    /// <summary>Runs one of several UDFs that share an executable, selected by name: <c>--udf NAME</c> in process
    /// mode (Kapacitor: <c>prog = "/path/to/udfs"</c>, <c>args = ["--udf", "NAME"]</c>), or any of them in socket
    /// mode, one socket each: <c>--socket NAME=PATH</c>, repeated (Kapacitor needs one socket per
    /// <c>[udf.functions.NAME]</c>).</summary>
    /// <param name="args">The command line: <c>--udf NAME</c>, <c>--socket NAME=PATH</c>..., <c>--health --socket
    /// PATH</c>, or <c>--help</c>. With a single UDF, no arguments is process mode too.</param>
    /// <param name="udfs">UDF name (the <c>[udf.functions.NAME]</c> key) → handler factory.</param>
    /// <param name="options">Limits and logging; defaults when <see langword="null"/>.</param>
    /// <returns>The process exit code, as for <see cref="RunAsync(string[], Func{UdfHandlerContext, IUdfHandler}, UdfHostOptions?)"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="udfs"/> is empty, or a name is empty or holds '=' or
    /// whitespace.</exception>
    public static Task<int> RunAsync(string[] args, IReadOnlyDictionary<string, Func<UdfHandlerContext, IUdfHandler>> udfs, UdfHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var catalog = UdfCatalog.ByName(udfs);
        var limits = ApplyLimits(args, options ??= new UdfHostOptions());
        if (limits.Error is { } error)
        {
            return UsageErrorAsync(error);
        }

        if (limits.Rest.Length == 0 && catalog.Udfs.Count == 1)
        {
            return RunProcessOrHelpAsync(catalog.Udfs.Values.Single(), limits.Options, catalog);
        }

        // Kapacitor's Info probe of a multi-UDF executable: as fast as the no-argument path.
        if (limits.Rest is ["--udf", var name] && catalog.Udfs.TryGetValue(name, out var factory))
        {
            return RunProcessOrHelpAsync(factory, limits.Options, catalog);
        }

        if (limits.Rest.Length == 0)
        {
            return Console.IsInputRedirected
                ? UsageErrorAsync($"this program serves several UDFs ({catalog.NameList}): choose one with --udf NAME, or serve them with --socket NAME=PATH")
                : HelpAsync(catalog);
        }

        return RunCommandLineAsync(limits, catalog, options);
    }

    // The limits come first, in every mode: a bad one is refused before the protocol starts (the Info probe too, so
    // kapacitord's log shows why), and a KAPACITOR_UDF_ variable that is no setting is named on STDERR.
    private static UdfLimitsResult ApplyLimits(string[] args, UdfHostOptions options)
    {
        var limits = UdfLimits.Apply(args, UdfLimits.ProcessEnvironment(), options);
        foreach (var warning in limits.Warnings)
        {
            Console.Error.WriteLine(warning);
        }

        return limits;
    }

    // Kept out of RunAsync so that compiling RunAsync never loads System.CommandLine.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> RunCommandLineAsync(UdfLimitsResult limits, UdfCatalog catalog, UdfHostOptions codeOptions)
    {
        var options = limits.Options;
        switch (UdfCommandLine.Parse(limits.Rest, catalog, options))
        {
            case UdfCommand.Usage usage:
                return await UsageErrorAsync(usage.Error);
            case UdfCommand.BuiltIn builtIn:
                return await UdfCommandLine.InvokeBuiltInAsync(builtIn);
            case UdfCommand.Process process:
                return await RunProcessOrHelpAsync(process.Factory, options, catalog);
            case UdfCommand.Socket socket:
                return await RunSocketServersAsync(socket.Targets, options);
            case UdfCommand.Health health:
                return await CheckHealthAsync(health.Paths, health.Timeout);
            case UdfCommand.Describe describe:
                return await DescribeAsync(describe.Udfs, limits, codeOptions);
            default:
                throw new InvalidOperationException("unhandled command");
        }
    }

    // The Info comes from the handler through a real agent in memory, so it is exactly what Kapacitor would read. The
    // limits given on the command line go into the kapacitor.conf snippet's args.
    private static async Task<int> DescribeAsync(IReadOnlyList<(string? Name, Func<UdfHandlerContext, IUdfHandler> Factory)> udfs, UdfLimitsResult limits, UdfHostOptions codeOptions)
    {
        var (prog, progArgs) = LaunchCommand();
        foreach (var (name, factory) in udfs)
        {
            var udfName = name ?? UdfDescription.NameFor(System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "udf");
            try
            {
                var info = await UdfInfoProbe.InMemoryAsync(factory);
                await Console.Out.WriteLineAsync(UdfDescription.OptionsTable(info));
                string[] args = name is null ? [.. progArgs, .. limits.LimitArguments] : [.. progArgs, "--udf", name, .. limits.LimitArguments];
                await Console.Out.WriteLineAsync(UdfDescription.ForProcess(info, udfName, prog, args));
            }
            catch (Exception ex) when (ex is InvalidOperationException or Framing.FrameException)
            {
                await Console.Error.WriteLineAsync($"{udfName}: the UDF did not describe itself: {ex.Message}");
                return 1;
            }
        }

        await Console.Out.WriteAsync(UdfLimits.Describe(limits, codeOptions));
        return 0;
    }

    // How Kapacitor would start this program: its apphost, or the dotnet host with the dll when run that way.
    private static (string Prog, string[] Args) LaunchCommand()
    {
        var process = Environment.ProcessPath ?? "/path/to/this/program";
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && !string.IsNullOrEmpty(entry)
            ? (process, [Path.Combine(AppContext.BaseDirectory, entry + ".dll")])
            : (process, []);
    }

    private static async Task<int> UsageErrorAsync(string error)
    {
        await Console.Error.WriteLineAsync($"usage error: {error} (run with --help for usage)");
        return 2;
    }

    private static async Task<int> RunProcessOrHelpAsync(Func<UdfHandlerContext, IUdfHandler> handlerFactory, UdfHostOptions options, UdfCatalog catalog)
    {
        if (!Console.IsInputRedirected)
        {
            return await HelpAsync(catalog);
        }

        return await RunProcessAsync(handlerFactory, options);
    }

    private static async Task<int> HelpAsync(UdfCatalog catalog)
    {
        await Console.Error.WriteLineAsync(Help(catalog));
        return 2;
    }

    // The whole process-mode run happens on a thread of its own, so neither the protocol nor the exit waits for the
    // thread pool, which user code may starve.
    private static Task<int> RunProcessAsync(Func<UdfHandlerContext, IUdfHandler> handlerFactory, UdfHostOptions options) =>
        DedicatedThread.Start("udf-main", () => RunProcessHereAsync(handlerFactory, options));

    private static async Task<int> RunProcessHereAsync(Func<UdfHandlerContext, IUdfHandler> handlerFactory, UdfHostOptions options)
    {
        // STDOUT carries frames only: take the raw stream, then send every Console.Out write to STDERR.
        var stdin = Console.OpenStandardInput();
        var stdout = Console.OpenStandardOutput();
        Console.SetOut(new StderrWriter());

        var log = options.Logger ?? UdfLogging.CreateLazyStderrLogger();
        // STDIN and STDOUT each have a thread of their own with blocking calls: a blocked read is "no input yet", a
        // blocked write is back-pressure, and neither depends on the thread pool.
        var input = PipeReader.Create(new BlockingStream(stdin), new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4 * 1024));
        var (output, outputDrained) = OutputPump.Start(stdout);
        var agent = new UdfAgent(input, output, DebugLoggingHandler.Wrap(handlerFactory, log), options.Agent with { Logger = log }, readerThread: true);

        // systemd and Ctrl-C signal the whole process group, kapacitord included: Kapacitor will close our input,
        // so keep serving until it does, within the drain deadline.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => DrainOn(signal, agent));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => DrainOn(signal, agent));

        var result = await agent.RunAsync();
        GuardAgainstLingering(result.ExitCode, log);
        // Everything the agent wrote reaches STDOUT before the process exits (bounded by the linger guard).
        await outputDrained;
        return result.ExitCode;
    }

    private static void DrainOn(PosixSignalContext signal, UdfAgent agent)
    {
        signal.Cancel = true;
        agent.BeginDrain($"{signal.Signal} received");
    }

    // A thread, not a timer: timers fire on the thread pool.
    private static void GuardAgainstLingering(int exitCode, ILogger log) =>
        new Thread(() =>
        {
            Thread.Sleep(LingerLimit);
            log.Error("The UDF finished {Limit} ago but the process is still running (a foreground thread?); exiting", LingerLimit);
            Environment.Exit(exitCode);
        }) { IsBackground = true, Name = "udf-linger" }.Start();

    private static string Help(UdfCatalog catalog)
    {
        var (name, args, socketArgs) = catalog.Named
            ? ("NAME", "\n      args = [\"--udf\", \"NAME\"]", "NAME=")
            : ("myUdf", "", "");

        return $"""
            This program is a Kapacitor UDF. Kapacitor starts it and speaks the UDF protocol over STDIN/STDOUT,
            so it does nothing useful in a terminal. Register it in kapacitor.conf:

                [udf.functions.{name}]
                  prog = "/path/to/this/program"{args}
                  timeout = "10s"

            or run it as a socket server that Kapacitor connects to (one process for every task):

                /path/to/this/program --socket {socketArgs}/run/kapacitor/{name}.sock

                [udf.functions.{name}]
                  socket = "/run/kapacitor/{name}.sock"
                  timeout = "10s"

            and call it from a TICKscript as @{name}(). Its options, with ready snippets: --describe.
            Its limits (frame size, queue, handler time, ...) are set with --NAME VALUE (kapacitor.conf args) or
            KAPACITOR_UDF_NAME variables ([udf.functions.{name}.env]); --help lists them.
            To try it locally, drive it with the simulator:
                kapacitor-udf-sim run --input points.lp -- /path/to/this/program{(catalog.Named ? " --udf NAME" : "")}
            {(catalog.Named ? $"UDFs in this program: {catalog.NameList}. " : "")}All options: --help.
            """;
    }
}
