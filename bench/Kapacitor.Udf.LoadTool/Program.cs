using System.CommandLine;
using System.Runtime.InteropServices;
using Kapacitor.Udf.LoadTool.Measurement;
using Kapacitor.Udf.LoadTool.Reporting;
using Kapacitor.Udf.LoadTool.Running;
using Kapacitor.Udf.LoadTool.Targets;
using Kapacitor.Udf.LoadTool.Workloads;
using Spectre.Console;
using EdgeType = Kapacitor.Udf.Protocol.EdgeType;

namespace Kapacitor.Udf.LoadTool;

/// <summary>kapacitor-udf-load: drives a process UDF as Kapacitor does, verifies every output, and measures it.</summary>
internal static class Program
{
    private const int ExitFailed = 1;
    private const int ExitTargetsMissed = 3;

    // Sizes: full (issue 7) and smoke (seconds, for CI).
    private static readonly long[] FullPoints = [200_000, 2_000_000];
    private static readonly long[] SmokePoints = [2_000, 20_000];
    private static readonly long[] FullBatches = [500, 5_000];
    private static readonly long[] SmokeBatches = [20, 200];

    private static readonly Option<FileInfo> MovingAverageExe = new("--moving-average")
    {
        Description = "The MovingAverage UDF: its published executable (or a .dll, run with `dotnet`).",
    };

    private static readonly Option<FileInfo> OutliersExe = new("--outliers")
    {
        Description = "The Outliers UDF: its published executable (or a .dll, run with `dotnet`).",
    };

    private static readonly Option<FileInfo?> Exe = new("--exe")
    {
        Description = "The UDF executable (or a .dll, run with `dotnet`). One of --exe or --socket.",
    };

    private static readonly Option<FileInfo?> Socket = new("--socket")
    {
        Description = "Connect to a socket UDF server at this path instead of spawning (one connection per run).",
    };

    private static readonly Option<int?> ServerPid = new("--server-pid")
    {
        Description = "With --socket: the server's pid, for an estimate of its CPU (/proc stat, 10 ms ticks) and its lifetime peak RSS.",
    };

    private static readonly Option<long[]> Points = new("--points")
    {
        Description = "Moving average run sizes; the first two give the marginal CPU per point. Default 200000 2000000 (smoke: 2000 20000).",
        AllowMultipleArgumentsPerToken = true,
    };

    private static readonly Option<long?> RssPoints = new("--rss-points")
    {
        Description = "An extra moving average run to show RSS stays flat; 0 skips it. Default 10000000 (smoke: 0).",
    };

    private static readonly Option<int> WindowSize = new("--size")
    {
        Description = "The moving average window: .size(N).",
        DefaultValueFactory = _ => 10,
    };

    private static readonly Option<long[]> Batches = new("--batches")
    {
        Description = "Outliers run sizes in batches; the first two give the marginal CPU per point. Default 500 5000 (smoke: 20 200).",
        AllowMultipleArgumentsPerToken = true,
    };

    private static readonly Option<int> BatchSize = new("--batch-size")
    {
        Description = "Points per outliers batch.",
        DefaultValueFactory = _ => 100,
    };

    private static readonly Option<double> Scale = new("--scale")
    {
        Description = "The outliers fence scale: .scale(X).",
        DefaultValueFactory = _ => 1.5,
    };

    private static readonly Option<int?> InfoRuns = new("--info-runs")
    {
        Description = "Info probes (spawn, Info, close, exit). Default 50 (smoke: 5); 0 skips them.",
    };

    private static readonly Option<int> Repeat = new("--repeat")
    {
        Description = "Runs per size; per-size medians feed the marginal figure.",
        DefaultValueFactory = _ => 1,
        Recursive = true,
    };

    private static readonly Option<bool> Smoke = new("--smoke")
    {
        Description = "Tiny sizes and few probes: finishes in seconds; proves the tool and the UDF work, measures nothing.",
        Recursive = true,
    };

    private static readonly Option<FileInfo?> JsonFile = new("--json")
    {
        Description = "Also write the full report as JSON to this file.",
        Recursive = true,
    };

    private static readonly Option<int> WriteSize = new("--write-size")
    {
        Description = "Bytes per write to the UDF's STDIN (whole frames; 1 = one frame per write).",
        DefaultValueFactory = _ => 64 * 1024,
        Recursive = true,
    };

    private static readonly Option<bool> TwoWrites = new("--two-writes")
    {
        Description = "Write every message as the length prefix and then the body, two unbuffered writes, as Kapacitor does.",
        Recursive = true,
    };

    private static readonly Option<int> InitDelayMs = new("--init-delay")
    {
        Description = "Milliseconds between the spawn and the InitRequest: 0 sends it at once, as Kapacitor does; e.g. 500 times Init on a process already started.",
        Recursive = true,
    };

    private static readonly Option<int> KeepaliveMs = new("--keepalive-interval")
    {
        Description = "Milliseconds between KeepaliveRequests while streaming; 0 sends none.",
        DefaultValueFactory = _ => 50,
        Recursive = true,
    };

    private static readonly Option<int> StallSeconds = new("--stall-timeout")
    {
        Description = "Seconds without progress before a run is declared stuck.",
        DefaultValueFactory = _ => 30,
        Recursive = true,
    };

    private static readonly Option<string[]> Environment = new("--env")
    {
        Description = "NAME=VALUE added to the UDF's environment (repeatable), e.g. DOTNET_TieredPGO=0.",
        Recursive = true,
    };

    private static readonly Option<string[]> ExeArguments = new("--exe-arg")
    {
        Description = "An argument passed to the UDF executable (repeatable, in order), as kapacitor.conf's args: --exe-arg=--max-handler-time --exe-arg 5m.",
        Recursive = true,
    };

    private static readonly Option<bool> CheckTargets = new("--check-targets")
    {
        Description = $"Exit with {ExitTargetsMissed} when a measured figure misses issue 7's target (meaningful on a quiet machine only).",
        Recursive = true,
    };

    public static async Task<int> Main(string[] args)
    {
        // The output-latency UDF is this very tool, started by the latency command (Core/StampUdf.cs).
        if (args is [Core.StampUdf.Command, ..])
        {
            return await Core.StampUdf.RunAsync(args);
        }

        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            Console.Error.WriteLine("kapacitor-udf-load measures with /proc and getrusage: Linux only");
            return 2;
        }

        var root = new RootCommand("Drives a Kapacitor process UDF as Kapacitor does (Init, data, keepalives, EOF), verifies every "
            + "response byte for byte, and measures agent CPU per point, throughput, peak RSS, Info-probe latency, EOF→exit "
            + "and keepalive round trips. See BENCHMARKS.md.");
        foreach (var option in new Option[] { Repeat, Smoke, JsonFile, WriteSize, TwoWrites, InitDelayMs, KeepaliveMs, StallSeconds, Environment, ExeArguments, CheckTargets })
        {
            root.Options.Add(option);
        }

        var all = new Command("all", "Moving average and outliers runs, then the Info probe (on the moving average executable).")
        {
            MovingAverageExe, OutliersExe, Points, RssPoints, WindowSize, Batches, BatchSize, Scale, InfoRuns,
        };
        MovingAverageExe.Required = false;
        all.SetAction(result =>
        {
            var ma = Spawn(result, result.GetValue(MovingAverageExe));
            return Execute(result, ma, Spawn(result, result.GetValue(OutliersExe)), ma, ma is null ? null : EdgeType.Stream);
        });

        var movingAverage = new Command("moving-average", "Stream points through examples/MovingAverage: marginal CPU, throughput, RSS, keepalives.")
        {
            Exe, Socket, ServerPid, Points, RssPoints, WindowSize,
        };
        movingAverage.SetAction(result => Execute(result, Target(result), null, null, null));

        var outliers = new Command("outliers", "Stream batches through examples/Outliers: marginal CPU per point.")
        {
            Exe, Socket, ServerPid, Batches, BatchSize, Scale,
        };
        outliers.SetAction(result => Execute(result, null, Target(result), null, null));

        var info = new Command("info", "Kapacitor's start-up probe, repeated: spawn → InfoResponse latency, EOF → exit, CPU.")
        {
            Exe, Socket, ServerPid, InfoRuns,
        };
        info.SetAction(result => Execute(result, null, null, Target(result), null));
        foreach (var command in new[] { movingAverage, outliers, info })
        {
            command.Validators.Add(result =>
            {
                if ((result.GetValue(Exe) is null) == (result.GetValue(Socket) is null))
                {
                    result.AddError("give exactly one of --exe PATH or --socket PATH");
                }
            });
        }

        root.Subcommands.Add(all);
        root.Subcommands.Add(movingAverage);
        root.Subcommands.Add(outliers);
        root.Subcommands.Add(info);
        foreach (var command in Core.CoreCommands.Create())
        {
            root.Subcommands.Add(command);
        }

        return await root.Parse(args).InvokeAsync();
    }

    private static IUdfTargetFactory? Spawn(ParseResult args, FileInfo? exe) =>
        exe is null ? null : new ProcessTargetFactory(exe.FullName, ParseEnvironment(args.GetValue(Environment) ?? []), args.GetValue(ExeArguments) ?? []);

    private static IUdfTargetFactory Target(ParseResult args) =>
        args.GetValue(Socket) is { } socket
            ? new SocketTargetFactory(socket.FullName, args.GetValue(ServerPid))
            : Spawn(args, args.GetValue(Exe))!;

    private static int Execute(ParseResult args, IUdfTargetFactory? movingAverageTarget, IUdfTargetFactory? outliersTarget, IUdfTargetFactory? infoTarget, EdgeType? infoEdges)
    {
        var smoke = args.GetValue(Smoke);
        var options = new LoadOptions
        {
            KeepaliveInterval = TimeSpan.FromMilliseconds(args.GetValue(KeepaliveMs)),
            StallTimeout = TimeSpan.FromSeconds(args.GetValue(StallSeconds)),
            TwoWrites = args.GetValue(TwoWrites),
            InitDelay = TimeSpan.FromMilliseconds(args.GetValue(InitDelayMs)),
        };
        var writeSize = args.GetValue(WriteSize);
        var repeat = Math.Max(1, args.GetValue(Repeat));
        var progress = Console.Error;
        var loadAtStart = ProcFs.LoadAverage();

        WorkloadResult? ma = null, outl = null;
        InfoProbeResult? probe = null;
        if (movingAverageTarget is not null)
        {
            var size = args.GetValue(WindowSize);
            var sizes = (args.GetValue(Points) is { Length: > 0 } p ? p : smoke ? SmokePoints : FullPoints).ToList();
            var rss = args.GetValue(RssPoints) ?? (smoke ? 0 : 10_000_000);
            if (rss > 0 && !sizes.Contains(rss))
            {
                sizes.Add(rss);
            }

            ma = Suite.Run(
                movingAverageTarget,
                sizes,
                repeat,
                n => new MovingAverageWorkload(checked((int)n), size, writeSize),
                options,
                progress);
        }

        if (outliersTarget is not null)
        {
            var batchSize = args.GetValue(BatchSize);
            var scale = args.GetValue(Scale);
            var sizes = args.GetValue(Batches) is { Length: > 0 } b ? b : smoke ? SmokeBatches : FullBatches;
            outl = Suite.Run(
                outliersTarget,
                sizes,
                repeat,
                n => new OutliersWorkload(checked((int)n), batchSize, scale, writeSize),
                options,
                progress);
        }

        var runs = args.GetValue(InfoRuns) ?? (smoke ? 5 : 50);
        if (infoTarget is not null && runs > 0)
        {
            progress.WriteLine($"info probe: {runs} runs of {infoTarget.Description}");
            probe = InfoProbe.Run(infoTarget, runs, infoEdges, infoEdges, options);
        }

        var report = new Report
        {
            Machine = new MachineInfo(
                DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
                System.Environment.ProcessorCount,
                ProcFs.CpuModel(),
                RuntimeInformation.FrameworkDescription,
                RuntimeInformation.OSDescription,
                loadAtStart,
                ProcFs.LoadAverage()),
            Smoke = smoke,
            MovingAverage = ma,
            Outliers = outl,
            Info = probe,
        };

        ReportWriter.WriteTables(report, ReportWriter.CreateConsole());
        if (args.GetValue(JsonFile) is { } json)
        {
            ReportWriter.WriteJson(report, json.FullName);
            progress.WriteLine($"report written to {json.FullName}");
        }

        if (!report.AllVerified)
        {
            return ExitFailed;
        }

        return args.GetValue(CheckTargets) && !TargetCheck.AllMet(report) ? ExitTargetsMissed : 0;
    }

    private static Dictionary<string, string> ParseEnvironment(string[] pairs)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"--env expects NAME=VALUE, got '{pair}'");
            }

            environment[pair[..eq]] = pair[(eq + 1)..];
        }

        return environment;
    }
}
