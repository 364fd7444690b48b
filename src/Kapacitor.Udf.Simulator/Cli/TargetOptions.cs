using System.CommandLine;
using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.Simulator.Cli;

// The options that say which UDF to talk to and how, shared by `run` and `info`.
internal sealed class TargetOptions
{
    // Interpreters whose first non-option argument names the actual UDF, for the default name.
    private static readonly HashSet<string> Interpreters = new(StringComparer.OrdinalIgnoreCase)
    {
        "dotnet", "python", "python3", "node", "java", "ruby", "perl", "sh", "bash",
    };

    public Option<string?> Socket { get; } = new("--socket")
    {
        Description = "Connect to a UDF serving this Unix socket instead of starting a program",
        HelpName = "PATH",
    };

    public Option<string?> Name { get; } = new("--name")
    {
        Description = "The UDF's name in kapacitor.conf and the TICKscript (default: derived from the program or socket file name)",
        HelpName = "NAME",
    };

    public Option<TimeSpan?> Timeout { get; } = new("--timeout")
    {
        Description = "The UDF timeout (default 10s): keepalives every half of it; no response of any kind within it aborts (Kapacitor's rule)",
        CustomParser = r => CliParsers.ParseDuration(r),
        HelpName = "DURATION",
    };

    public Option<string[]> Env { get; } = new("--env")
    {
        Description = "An environment variable for the UDF process, added to the simulator's own (repeatable)",
        HelpName = "KEY=VALUE",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Argument<string[]> Command { get; } = new("command")
    {
        Description = "The UDF program and its arguments, after --",
        HelpName = "PROG [ARGS...]",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public TimeSpan TimeoutValue(ParseResult parse) => parse.GetValue(Timeout) ?? TimeSpan.FromSeconds(10);

    public void AddTo(Command command)
    {
        command.Options.Add(Socket);
        command.Options.Add(Name);
        command.Options.Add(Timeout);
        command.Options.Add(Env);
        command.Arguments.Add(Command);
        command.Validators.Add(result =>
        {
            var hasSocket = result.GetValue(Socket) is not null;
            var hasProgram = result.GetValue(Command) is { Length: > 0 };
            if (hasSocket == hasProgram)
            {
                result.AddError("give either --socket PATH or a program after --, e.g. kapacitor-udf-sim " + command.Name + " -- ./my-udf --flag");
            }

            foreach (var variable in result.GetValue(Env) ?? [])
            {
                if (variable.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    result.AddError($"invalid --env '{variable}': expected KEY=VALUE");
                }
            }
        });
    }

    public IUdfTarget CreateTarget(ParseResult parse)
    {
        if (parse.GetValue(Socket) is { } socket)
        {
            return new UnixSocketUdfTarget(socket);
        }

        var command = parse.GetRequiredValue(Command);
        var environment = (parse.GetValue(Env) ?? [])
            .Select(v => v.Split('=', 2))
            .GroupBy(kv => kv[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
        if (ProcessUdfTarget.SessionFallback is { } fallback)
        {
            Diagnostics.Note(fallback);
        }

        return new ProcessUdfTarget(command[0], command[1..], environment) { StartInNewSession = true };
    }

    public string UdfName(ParseResult parse)
    {
        if (parse.GetValue(Name) is { Length: > 0 } name)
        {
            return name;
        }

        if (parse.GetValue(Socket) is { } socket)
        {
            return ToIdentifier(Path.GetFileNameWithoutExtension(socket));
        }

        var command = parse.GetRequiredValue(Command);
        var program = Path.GetFileNameWithoutExtension(command[0]);
        if (Interpreters.Contains(program) && command.Skip(1).FirstOrDefault(a => !a.StartsWith('-')) is { } script)
        {
            program = Path.GetFileNameWithoutExtension(script);
        }

        return ToIdentifier(program);
    }

    internal static string ToIdentifier(string text) => Kapacitor.Udf.UdfDescription.NameFor(text);
}
