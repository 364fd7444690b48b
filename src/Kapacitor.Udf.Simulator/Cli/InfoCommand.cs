using System.CommandLine;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Engine;
using Spectre.Console;

namespace Kapacitor.Udf.Simulator.Cli;

// `kapacitor-udf-sim info`: the Info probe, then the options table and ready-to-paste snippets.
internal sealed class InfoCommand
{
    private readonly TargetOptions _target = new();

    public Command Build()
    {
        var command = new Command("info", "Ask a UDF for its Info as kapacitord does at startup; print its options, a kapacitor.conf block and a TICKscript: info -- PROG [ARGS...] (or --socket PATH)");
        _target.AddTo(command);
        command.SetAction(RunAsync);
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var name = _target.UdfName(parse);
        var simulator = new UdfSimulator(new SimulatorOptions
        {
            UdfName = name,
            Timeout = _target.TimeoutValue(parse),
            StderrLine = Diagnostics.UdfLog,
            ViolationDetected = Diagnostics.Violation,
        });
        var probe = await simulator.ProbeAsync(_target.CreateTarget(parse), cancellationToken);
        if (probe.Info is not { } info)
        {
            Diagnostics.Error("no InfoResponse: Kapacitor would fail to start with \"failed to load process info\"");
            return ExitCodes.Violations;
        }

        WriteTable(info, name);
        Console.Out.Write(Describe(parse, info, name));
        if (!probe.IsClean)
        {
            Diagnostics.Note($"{probe.Violations.Count} violation(s) during the Info probe");
            return ExitCodes.Violations;
        }

        return ExitCodes.Clean;
    }

    private string Describe(ParseResult parse, InfoResponse info, string name)
    {
        if (parse.GetValue(_target.Socket) is { } socket)
        {
            return UdfDescription.ForSocket(info, name, Path.GetFullPath(socket));
        }

        // kapacitord has its own working directory: relative paths that exist here are written out in full.
        var command = parse.GetRequiredValue(_target.Command);
        var prog = command[0].Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) ? Path.GetFullPath(command[0]) : command[0];
        var args = command[1..].Select(a => !a.StartsWith('-') && File.Exists(a) ? Path.GetFullPath(a) : a).ToArray();
        return UdfDescription.ForProcess(info, name, prog, args);
    }

    private static void WriteTable(InfoResponse info, string name)
    {
        // Plain text when STDOUT is a file or a pipe, so the snippets below can be pasted as they are.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        console.WriteLine($"{name}: wants {Edge(info.Wants)}, provides {Edge(info.Provides)}");
        var table = new Table();
        table.AddColumn("Option");
        table.AddColumn("Arguments");
        table.AddColumn("Example");
        foreach (var (option, declared) in info.Options.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            var types = declared.ValueTypes.Count == 0 ? "(none)" : string.Join(", ", declared.ValueTypes.Select(ValueTypeText.Name));
            var example = $".{option}({string.Join(", ", declared.ValueTypes.Select(ValueTypeText.ExampleLiteral))})";
            table.AddRow(new Text(option), new Text(types), new Text(example));
        }

        if (info.Options.Count == 0)
        {
            table.AddRow(new Text("(no options)"), new Text(string.Empty), new Text(string.Empty));
        }

        console.Write(table);
        console.WriteLine();
    }

    private static string Edge(EdgeType edge) => edge == EdgeType.Batch ? "BATCH" : "STREAM";
}
