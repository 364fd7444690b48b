using System.IO.Pipelines;
using System.Runtime.InteropServices;
using Kapacitor.Udf.Agent;
using Kapacitor.Udf.Transport;
using Serilog;

namespace Kapacitor.Udf.Hosting;

/// <summary>
/// The process entry point of a UDF: <c>return await UdfHost.RunAsync(args, ctx =&gt; new MyHandler(ctx));</c>
/// The only code in the library that touches <see cref="Console"/>.
/// </summary>
public static class UdfHost
{
    // How long a finished UDF may linger (a foreground thread of the user's) before it is made to exit:
    // Kapacitor waits for the process with no timeout, so a lingering UDF hangs task stop (reference §2.9).
    private static readonly TimeSpan LingerLimit = TimeSpan.FromSeconds(5);
    private static Timer? s_lingerGuard;

    /// <summary>Runs one UDF as a process UDF: Kapacitor's requests on STDIN, responses on STDOUT, logs on STDERR.</summary>
    /// <param name="args">The command line (none are defined for process mode).</param>
    /// <param name="handlerFactory">Creates the handler, given its context.</param>
    /// <param name="options">Limits and logging; defaults when <see langword="null"/>.</param>
    /// <returns>The process exit code: 0 when the input ended and everything was delivered, 1 after a failure,
    /// 2 for a usage error.</returns>
    public static async Task<int> RunAsync(string[] args, Func<UdfContext, IUdfHandler> handlerFactory, UdfHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(handlerFactory);
        options ??= new UdfHostOptions();
        if (args.Length > 0)
        {
            await Console.Error.WriteLineAsync($"unknown argument '{args[0]}': a process UDF takes no arguments");
            return 2;
        }

        if (!Console.IsInputRedirected)
        {
            await Console.Error.WriteLineAsync(Help());
            return 2;
        }

        return await RunProcessAsync(handlerFactory, options);
    }

    private static async Task<int> RunProcessAsync(Func<UdfContext, IUdfHandler> handlerFactory, UdfHostOptions options)
    {
        // STDOUT carries frames only (requirement 2): take the raw stream, then send every Console.Out write to STDERR.
        var stdin = Console.OpenStandardInput();
        var stdout = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);

        var log = options.Logger ?? UdfLogging.CreateStderrLogger();
        var input = PipeReader.Create(new BlockingStream(stdin), new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4 * 1024));
        var output = PipeWriter.Create(new BlockingStream(stdout), new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024));
        var agent = new UdfAgent(input, output, handlerFactory, options.Agent with { Logger = log });

        // systemd and Ctrl-C signal the whole process group, kapacitord included: Kapacitor will close our input,
        // so keep serving until it does, within the drain deadline.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => DrainOn(signal, agent));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => DrainOn(signal, agent));

        var result = await agent.RunAsync();
        GuardAgainstLingering(result.ExitCode, log);
        return result.ExitCode;
    }

    private static void DrainOn(PosixSignalContext signal, UdfAgent agent)
    {
        signal.Cancel = true;
        agent.BeginDrain($"{signal.Signal} received");
    }

    private static void GuardAgainstLingering(int exitCode, ILogger log) =>
        s_lingerGuard = new Timer(
            _ =>
            {
                log.Error("The UDF finished {Limit} ago but the process is still running (a foreground thread?); exiting", LingerLimit);
                Environment.Exit(exitCode);
            },
            null,
            LingerLimit,
            Timeout.InfiniteTimeSpan);

    private static string Help() =>
        """
        This program is a Kapacitor UDF. Kapacitor starts it and speaks the UDF protocol over STDIN/STDOUT,
        so it does nothing useful in a terminal. Register it in kapacitor.conf:

            [udf.functions.myUdf]
              prog = "/path/to/this/program"
              timeout = "10s"

        and call it from a TICKscript as @myUdf(). To try it locally, drive it with the simulator:
            kapacitor-udf-sim run --input points.lp -- /path/to/this/program
        """;
}
