using System.CommandLine;
using System.Globalization;
using Kapacitor.Udf.LoadTool.Measurement;

namespace Kapacitor.Udf.LoadTool.Core;

/// <summary>
/// The agent-core measurements (issue 12, BENCHMARKS.md "Agent core"): <c>latency</c> (emit → answer read, through
/// <see cref="StampUdf"/>) and <c>connections</c> (a socket server's threads and RSS at N idle connections).
/// </summary>
internal static class CoreCommands
{
    private static readonly Option<int> LatencyPoints = new("--latency-points")
    {
        Description = "Points per latency case (the 5 ms case sends a tenth of them).",
        DefaultValueFactory = _ => 20_000,
    };

    private static readonly Option<int> LatencyRepeat = new("--latency-repeat")
    {
        Description = "Runs per latency case.",
        DefaultValueFactory = _ => 3,
    };

    private static readonly Option<double?> MaxOutputDelayMs = new("--max-output-delay")
    {
        Description = "The stamp UDF's MaxOutputDelay in milliseconds (default: the agent's default).",
    };

    private static readonly Option<FileInfo> ServerExe = new("--exe")
    {
        Description = "The socket UDF server (executable or .dll run with dotnet).",
        Required = true,
    };

    private static readonly Option<string[]> ServerArgs = new("--server-args")
    {
        Description = "Its arguments; {socket} is replaced by the socket path. Default: --socket {socket}.",
        AllowMultipleArgumentsPerToken = true,
    };

    private static readonly Option<int[]> Counts = new("--counts")
    {
        Description = "Connection counts, ascending (default 100 1000 5000).",
        AllowMultipleArgumentsPerToken = true,
    };

    private static readonly Option<int> SettleSeconds = new("--settle")
    {
        Description = "Seconds to wait before each settled measurement (after the pools' idle timeouts: 25).",
        DefaultValueFactory = _ => 25,
    };

    private static readonly Option<string[]> ServerEnvironment = new("--server-env")
    {
        Description = "NAME=VALUE for the server's environment (repeatable).",
    };

    /// <summary>The commands, for the root command.</summary>
    public static IEnumerable<Command> Create()
    {
        var latency = new Command("latency", "Output latency p50/p99/max from the handler's emit to the answer read: (a) a fast handler at 10,000 points/s, (b) a handler taking 5 ms per point with input at 1,000 points/s, (c) a fast handler at full speed.")
        {
            LatencyPoints, LatencyRepeat, MaxOutputDelayMs,
        };
        latency.SetAction(async (result, _) =>
        {
            var points = result.GetValue(LatencyPoints);
            var self = SelfCommand();
            string[] Udf(int handlerMs) => result.GetValue(MaxOutputDelayMs) is { } delay
                ? [.. self.Args, StampUdf.Command, $"{handlerMs}", delay.ToString(CultureInfo.InvariantCulture)]
                : [.. self.Args, StampUdf.Command, $"{handlerMs}"];
            var rows = new List<OutputLatency.Result>();
            for (var run = 0; run < result.GetValue(LatencyRepeat); run++)
            {
                rows.Add(await OutputLatency.RunAsync("a: fast handler, 10k points/s", self.Exe, Udf(0), points, 10_000, 0));
                rows.Add(await OutputLatency.RunAsync("b: 5 ms handler, 1k points/s", self.Exe, Udf(5), points / 10, 1_000, 5));
                rows.Add(await OutputLatency.RunAsync("c: fast handler, full speed", self.Exe, Udf(0), points * 10, 0, 0));
            }

            Console.WriteLine($"{Header()}, MaxOutputDelay {result.GetValue(MaxOutputDelayMs)?.ToString(CultureInfo.InvariantCulture) ?? "default"} ms");
            Console.WriteLine("| case | points | answered | p50 ms | p99 ms | max ms | points/s | UDF CPU µs/point | error |\n|---|---|---|---|---|---|---|---|---|");
            foreach (var r in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Case} | {r.Points} | {r.Answered} | {r.P50:0.000} | {r.P99:0.000} | {r.Max:0.000} | {r.PointsPerSecond:#,0} | {r.CpuMicrosPerPoint:0.00} | {r.Error} |"));
            }

            return rows.All(r => r.Error is null && r.Answered == r.Points) ? 0 : 1;
        });

        var connections = new Command("connections", "A socket UDF server's threads, VmRSS and descriptors at N idle task connections (Info, Init, one point each), and after they close.")
        {
            ServerExe, ServerArgs, Counts, SettleSeconds, ServerEnvironment,
        };
        connections.SetAction(async (result, _) =>
        {
            var args = result.GetValue(ServerArgs) is { Length: > 0 } a ? a : ["--socket", "{socket}"];
            var counts = result.GetValue(Counts) is { Length: > 0 } c ? c : [100, 1000, 5000];
            var environment = (result.GetValue(ServerEnvironment) ?? []).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var rows = await ConnectionScaling.RunAsync(result.GetValue(ServerExe)!.FullName, args, environment, counts, TimeSpan.FromSeconds(result.GetValue(SettleSeconds)), Console.Error);
            var idle = rows[0];
            Console.WriteLine($"{Header()}\n| when | connections | threads | VmRSS MB | above idle MB | RssAnon MB | fds | open s |\n|---|---|---|---|---|---|---|---|");
            foreach (var r in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.When} | {r.Connections} | {r.Threads} | {r.RssMb:0.0} | {r.RssMb - idle.RssMb:0.0} | {r.AnonMb:0.0} | {r.Descriptors} | {r.OpenSeconds:0.0} |"));
            }

            return 0;
        });

        return [latency, connections];
    }

    private static string Header() =>
        $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {ProcFs.LoadAverage()}";

    // How to start this very tool (as the stamp UDF): its apphost, or dotnet with its dll.
    private static (string Exe, string[] Args) SelfCommand()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var dll = typeof(CoreCommands).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && dll.Length > 0 ? (process, [dll]) : (process, []);
    }
}
