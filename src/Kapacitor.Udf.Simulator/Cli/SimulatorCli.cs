using System.CommandLine;

namespace Kapacitor.Udf.Simulator.Cli;

// The command line: `run` and `info`, with usage errors reported as exit code 2.
internal static class SimulatorCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand(
            "Plays Kapacitor's side of the UDF protocol against any UDF (a program, or a Unix socket) and reports every protocol violation.\n" +
            "Put the UDF's command line after --, e.g.: kapacitor-udf-sim run --opt \"size(10)\" -i points.lp -- ./moving-avg")
        {
            new RunCommand().Build(),
            new InfoCommand().Build(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine($"kapacitor-udf-sim: {error.Message}");
            }

            Console.Error.WriteLine("kapacitor-udf-sim: see --help");
            return ExitCodes.Usage;
        }

        // SIGINT and SIGTERM are the run command's (StopOnSignals), not System.CommandLine's cancellation.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
