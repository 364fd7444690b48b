using System.CommandLine;
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Simulator.Input;
using Kapacitor.Udf.Simulator.LineProtocol;
using Kapacitor.Udf.TickScript;

namespace Kapacitor.Udf.Simulator.Cli;

// `kapacitor-udf-sim run`: probe, define, and run one task against the UDF, with line protocol (a file, or STDIN as
// it arrives) or a Kapacitor recording as input, streamed: memory stays bounded whatever the input size.
internal sealed class RunCommand
{
    private const int OutputBufferSize = 64 * 1024;

    private readonly TargetOptions _target = new();

    private readonly Option<FileInfo?> _input = new("--input", "-i")
    {
        Description = "Line protocol input (default: STDIN, read as it arrives, e.g. from tail -f); blank lines and # comments are skipped",
        HelpName = "FILE",
    };

    private readonly Option<FileInfo?> _recording = new("--recording", "-r")
    {
        Description = "Replay a recording made by `kapacitor record`: a stream recording (.srpl) or a batch recording (.brpl), times as recorded",
        HelpName = "FILE",
    };

    private readonly Option<int?> _source = new("--source")
    {
        Description = "Which source (entry 0, 1, ...: one per query node) of a batch recording to replay; required when it has several",
        HelpName = "N",
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
        command.Validators.Add(result =>
        {
            if (result.GetValue(_input) is not null && result.GetValue(_recording) is not null)
            {
                result.AddError("give either --input FILE or --recording FILE, not both");
            }

            if (result.GetValue(_source) is not null && result.GetValue(_recording) is null)
            {
                result.AddError("--source picks the source of a batch recording: give --recording FILE too");
            }
        });
        foreach (var option in new Option[]
                 {
                     _input, _recording, _source, _format, _opt, _groupBy, _byMeasurement, _database, _retentionPolicy, _batchPeriod, _emptyWindows,
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
        var figures = new RunFigures();
        var calls = parse.GetValue(_opt) ?? [];
        try
        {
            // Bad syntax is a usage error (exit code 2) before anything starts; the engine parses them again at define.
            _ = OptionCall.ParseAll(calls);
        }
        catch (FormatException ex)
        {
            Diagnostics.Error($"define error: {ex.Message}");
            return ExitCodes.Usage;
        }

        using var input = OpenInput(parse);
        if (input is null)
        {
            return ExitCodes.Usage;
        }

        var restore = parse.GetValue(_restore) is { } restoreFile ? await File.ReadAllBytesAsync(restoreFile.FullName, cancellationToken) : null;
        if (restore is { Length: 0 })
        {
            Diagnostics.Note($"{parse.GetValue(_restore)!.Name} is empty: no RestoreRequest is sent (Kapacitor never sends an empty restore)");
        }

        var snapshotOut = parse.GetValue(_snapshotOut);
        using var output = new ResponseOutput(parse.GetValue(_format) == "jsonl"
            ? new JsonLinesSink(new BufferedStream(Console.OpenStandardOutput(), OutputBufferSize))
            : new LineProtocolSink(Console.OpenStandardOutput()));
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
                ResponseReceived = output.Write,
                PointReceived = output.TryWritePoint,
                ResponsesIdle = output.Flush,
                KeepResponses = false,
            };
            simulator = new UdfSimulator(options);
            if (input.IsBatches && options.BatchPeriod is not null)
            {
                throw new ArgumentException("a batch recording carries its own batches (one per query result): drop --batch-period");
            }
        }
        catch (ArgumentException ex)
        {
            Diagnostics.Error(ex.Message);
            return ExitCodes.Usage;
        }

        using var control = new SimulationControl();
        SimulationResult result;
        using (new StopOnSignals(control))
        {
            var progress = ProgressLine.StartOnTerminal(control);
            Diagnostics.Progress = progress;
            try
            {
                result = await simulator.RunAsync(_target.CreateTarget(parse), input, control, cancellationToken);
            }
            finally
            {
                Diagnostics.Progress = null;
                if (progress is not null)
                {
                    await progress.DisposeAsync();
                }
            }
        }

        output.Dispose();
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

        Diagnostics.Summary(result, options.UdfName, figures);
        return result.IsClean ? ExitCodes.Clean
            : result.DefineError is not null || result.Violations.Any(v => v.Kind == ViolationKind.InputFailed) ? ExitCodes.Usage
            : ExitCodes.Violations;
    }

    // The input, read as the task runs; null (after saying why) when it cannot be opened.
    private SimulatorInput? OpenInput(ParseResult parse)
    {
        try
        {
            if (parse.GetValue(_recording) is { } recording)
            {
                return SimulatorInput.FromRecording(recording.FullName, parse.GetValue(_source));
            }

            var defaults = new TimestampDefaults(parse.GetValue(_start) ?? 0, (parse.GetValue(_step) ?? TimeSpan.FromSeconds(1)).Ticks * 100);
            if (parse.GetValue(_input) is { } file)
            {
                return SimulatorInput.FromLineProtocol(
                    new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan), defaults);
            }

            if (!Console.IsInputRedirected)
            {
                Diagnostics.Note("reading line protocol from the terminal: each line is sent as you enter it (Ctrl-D ends the input, Ctrl-C stops the task)");
            }

            return SimulatorInput.FromLineProtocol(Console.OpenStandardInput(), defaults);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            Diagnostics.Error($"{(parse.GetValue(_recording) is null ? "input" : "recording")} file {(parse.GetValue(_recording) ?? parse.GetValue(_input))!.FullName} does not exist");
            return null;
        }
        catch (Exception ex) when (ex is RecordingException or IOException or UnauthorizedAccessException)
        {
            Diagnostics.Error(ex.Message);
            return null;
        }
    }
}
