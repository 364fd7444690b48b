using System.CommandLine;
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Simulator.LineProtocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Testing.TickScript;

namespace Kapacitor.Udf.Simulator.Cli;

// `kapacitor-udf-sim run`: probe, define, and run one task against the UDF with line protocol input.
internal sealed class RunCommand
{
    private readonly TargetOptions _target = new();

    private readonly Option<FileInfo?> _input = new("--input", "-i")
    {
        Description = "Line protocol input (default: STDIN); blank lines and # comments are skipped",
        HelpName = "FILE",
    };

    private readonly Option<string> _format = new("--format", "-f")
    {
        Description = "Output on STDOUT: lp (points as line protocol, batches as their points) or jsonl (every response as JSON)",
        DefaultValueFactory = _ => "lp",
    };

    private readonly Option<string[]> _opt = new("--opt", "-o")
    {
        Description = "A UDF option as TICKscript writes it after the dot, e.g. \"field('value')\", \"size(10)\", \"scale(1.5)\", \"period(10s)\", \"flag()\" (repeatable, in order)",
        HelpName = "EXPR",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string[]> _groupBy = new("--group-by", "-g")
    {
        Description = "groupBy tag names, comma separated (Kapacitor sorts them); * for all tags",
        HelpName = "TAGS",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<bool> _byMeasurement = new("--by-measurement") { Description = "Include the measurement in the group (.byMeasurement())" };

    private readonly Option<string> _database = new("--db") { Description = "Database on stream points", DefaultValueFactory = _ => "mydb" };

    private readonly Option<string> _retentionPolicy = new("--rp") { Description = "Retention policy on stream points", DefaultValueFactory = _ => "autogen" };

    private readonly Option<TimeSpan?> _batchPeriod = new("--batch-period")
    {
        Description = "Send windows of this period (aligned as window().align(); tmax = window end) to a UDF that wants BATCH",
        CustomParser = r => CliParsers.ParseDuration(r),
        HelpName = "DURATION",
    };

    private readonly Option<bool> _emptyWindows = new("--empty-windows") { Description = "In batch mode, send an empty batch (size 0) for each window a group skipped" };

    private readonly Option<bool> _holdOpenWindows = new("--hold-open-windows")
    {
        Description = "In batch mode, do not send the windows still open at the end of input (exactly what Kapacitor would do)",
    };

    private readonly Option<FileInfo?> _restore = new("--restore")
    {
        Description = "Send this snapshot in a RestoreRequest after Init (an empty file sends none, as Kapacitor never does)",
        HelpName = "FILE",
    };

    private readonly Option<int?> _snapshotAfter = new("--snapshot-after")
    {
        Description = "Send one SnapshotRequest after this many input points (0: before any data)",
        HelpName = "N",
    };

    private readonly Option<FileInfo?> _snapshotOut = new("--snapshot-out")
    {
        Description = "Save the snapshot bytes here (asks for a snapshot after the last point unless --snapshot-after is given)",
        HelpName = "FILE",
    };

    private readonly Option<string> _task = new("--task") { Description = "Task ID in the InitRequest", DefaultValueFactory = _ => "sim" };

    private readonly Option<string?> _node = new("--node") { Description = "Node ID in the InitRequest (default: <name>1)" };

    private readonly Option<long?> _start = new("--start")
    {
        Description = "Time of the first input line without a timestamp: now, RFC 3339, or Unix nanoseconds (default 0, the epoch)",
        CustomParser = r => CliParsers.ParseStartTime(r),
        HelpName = "TIME",
    };

    private readonly Option<TimeSpan?> _step = new("--step")
    {
        Description = "Added to the previous point's time for a line without a timestamp (default 1s)",
        CustomParser = r => CliParsers.ParseDuration(r),
        HelpName = "DURATION",
    };

    private readonly Option<TimeSpan?> _exitTimeout = new("--exit-timeout")
    {
        Description = "How long the UDF may take to exit after its input ends before it is killed (default: --timeout)",
        CustomParser = r => CliParsers.ParseDuration(r),
        HelpName = "DURATION",
    };

    public Command Build()
    {
        var command = new Command("run", "Run one task against a UDF exactly as Kapacitor would and report every protocol violation: run [options] -- PROG [ARGS...] (or --socket PATH)");
        _target.AddTo(command);
        _format.AcceptOnlyFromAmong("lp", "jsonl");
        foreach (var option in new Option[]
                 {
                     _input, _format, _opt, _groupBy, _byMeasurement, _database, _retentionPolicy, _batchPeriod, _emptyWindows,
                     _holdOpenWindows, _restore, _snapshotAfter, _snapshotOut, _task, _node, _start, _step, _exitTimeout,
                 })
        {
            command.Options.Add(option);
        }

        command.SetAction(RunAsync);
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        IReadOnlyList<OptionCall> calls;
        try
        {
            calls = OptionCall.ParseAll(parse.GetValue(_opt) ?? []);
        }
        catch (FormatException ex)
        {
            Diagnostics.Error($"define error: {ex.Message}");
            return ExitCodes.Usage;
        }

        var points = await ReadInputAsync(parse, cancellationToken);
        if (points is null)
        {
            return ExitCodes.Usage;
        }

        var restore = parse.GetValue(_restore) is { } restoreFile ? await File.ReadAllBytesAsync(restoreFile.FullName, cancellationToken) : null;
        if (restore is { Length: 0 })
        {
            Diagnostics.Note($"{parse.GetValue(_restore)!.Name} is empty: no RestoreRequest is sent (Kapacitor never sends an empty restore)");
        }

        var snapshotOut = parse.GetValue(_snapshotOut);
        using IResponseSink sink = parse.GetValue(_format) == "jsonl"
            ? new JsonLinesSink(Console.OpenStandardOutput())
            : new LineProtocolSink(Console.Out);
        SimulatorOptions options;
        UdfSimulator simulator;
        try
        {
            options = new SimulatorOptions
            {
                UdfName = _target.UdfName(parse),
                TaskId = parse.GetValue(_task)!,
                NodeId = parse.GetValue(_node),
                Options = calls,
                Timeout = _target.TimeoutValue(parse),
                ExitTimeout = parse.GetValue(_exitTimeout),
                GroupBy = (parse.GetValue(_groupBy) ?? []).SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
                ByMeasurement = parse.GetValue(_byMeasurement),
                Database = parse.GetValue(_database)!,
                RetentionPolicy = parse.GetValue(_retentionPolicy)!,
                BatchPeriod = parse.GetValue(_batchPeriod),
                EmitEmptyWindows = parse.GetValue(_emptyWindows),
                FlushOpenWindows = !parse.GetValue(_holdOpenWindows),
                RestoreSnapshot = restore,
                SnapshotAfter = parse.GetValue(_snapshotAfter) ?? (snapshotOut is null ? null : int.MaxValue),
                StderrLine = Diagnostics.UdfLog,
                ViolationDetected = Diagnostics.Violation,
                ResponseReceived = sink.Write,
            };
            simulator = new UdfSimulator(options);
        }
        catch (ArgumentException ex)
        {
            Diagnostics.Error(ex.Message);
            return ExitCodes.Usage;
        }

        var result = await simulator.RunAsync(_target.CreateTarget(parse), points, cancellationToken);
        sink.Dispose();
        if (snapshotOut is not null)
        {
            if (result.Snapshot is { } snapshot)
            {
                await File.WriteAllBytesAsync(snapshotOut.FullName, snapshot.ToByteArray(), cancellationToken);
                Diagnostics.Note($"snapshot of {snapshot.Length} byte(s) saved to {snapshotOut.FullName}");
            }
            else
            {
                Diagnostics.Note($"no snapshot arrived; {snapshotOut.FullName} not written");
            }
        }

        Diagnostics.Summary(result, options.UdfName);
        return result.IsClean ? ExitCodes.Clean : result.DefineError is not null ? ExitCodes.Usage : ExitCodes.Violations;
    }

    private async Task<IReadOnlyList<Protocol.Point>?> ReadInputAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        string text;
        if (parse.GetValue(_input) is { } file)
        {
            if (!file.Exists)
            {
                Diagnostics.Error($"input file {file.FullName} does not exist");
                return null;
            }

            text = await File.ReadAllTextAsync(file.FullName, cancellationToken);
        }
        else
        {
            if (!Console.IsInputRedirected)
            {
                Diagnostics.Note("reading line protocol from STDIN (end with Ctrl-D; or use --input FILE)");
            }

            text = await Console.In.ReadToEndAsync(cancellationToken);
        }

        try
        {
            var defaults = new TimestampDefaults(parse.GetValue(_start) ?? 0, (parse.GetValue(_step) ?? TimeSpan.FromSeconds(1)).Ticks * 100);
            return LineProtocolReader.Parse(text, defaults);
        }
        catch (LineProtocolException ex)
        {
            Diagnostics.Error($"input: {ex.Message}");
            return null;
        }
    }
}
