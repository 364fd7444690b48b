using System.CommandLine;
using System.Globalization;

namespace Kapacitor.Udf;

/// <summary>What a UDF executable was asked to do.</summary>
internal abstract record UdfCommand
{
    /// <summary>The command line is wrong: print the error, exit 2.</summary>
    public sealed record Usage(string Error) : UdfCommand;

    /// <summary>A request System.CommandLine answers itself (<c>--help</c>, <c>--version</c>).</summary>
    public sealed record BuiltIn(ParseResult Parse) : UdfCommand;

    /// <summary>Process mode: one UDF on STDIN/STDOUT.</summary>
    public sealed record Process(Func<UdfHandlerContext, IUdfHandler> Factory) : UdfCommand;

    /// <summary>Socket mode: one server per target, in this process.</summary>
    public sealed record Socket(IReadOnlyList<UdfSocketTarget> Targets) : UdfCommand;

    /// <summary>Health probe: an Info round trip to each socket.</summary>
    public sealed record Health(IReadOnlyList<string> Paths, TimeSpan Timeout) : UdfCommand;

    /// <summary>Print each UDF's options and ready kapacitor.conf and TICKscript snippets; no protocol.</summary>
    public sealed record Describe(IReadOnlyList<(string? Name, Func<UdfHandlerContext, IUdfHandler> Factory)> Udfs) : UdfCommand;
}

/// <summary>
/// Parses a UDF executable's arguments with System.CommandLine. Only reached when there are arguments: Kapacitor's
/// Info probe starts a process UDF with none at every kapacitord start, and that path must not pay for loading the
/// parser (the JIT loads this assembly's dependencies only when a method that uses them is compiled).
/// </summary>
/// <remarks>Modes are options of the root command, each a branch of <see cref="Interpret"/>; a new one (such as
/// <c>--describe</c>) is an option plus a branch.</remarks>
internal static class UdfCommandLine
{
    private const double DefaultHealthTimeoutSeconds = 5;

    /// <summary>Parses <paramref name="args"/> into what to do. Pure: no I/O.</summary>
    /// <param name="args">The command line (non-empty).</param>
    /// <param name="catalog">The UDFs the executable serves.</param>
    /// <param name="options">The options in force, for the values <c>--help</c> shows.</param>
    /// <returns>The command, or the usage error.</returns>
    /// <remarks>The limits (<see cref="UdfLimits"/>) are taken out of the arguments before: they are root options here
    /// only so that <c>--help</c> lists them.</remarks>
    public static UdfCommand Parse(string[] args, UdfCatalog catalog, UdfHostOptions? options = null)
    {
        var socket = new Option<string[]>("--socket")
        {
            Description = catalog.Named
                ? "Socket mode: serve the UDF NAME on a Unix socket at PATH. Repeat for each UDF to serve; Kapacitor needs one socket per [udf.functions.NAME]."
                : "Socket mode: serve on a Unix socket at PATH instead of STDIN/STDOUT.",
            HelpName = catalog.Named ? "NAME=PATH" : "PATH",
            AllowMultipleArgumentsPerToken = false,
        };
        var udf = new Option<string>("--udf")
        {
            Description = $"Process mode: the UDF to serve on STDIN/STDOUT (one of: {catalog.NameList}).",
            HelpName = "NAME",
        };
        var health = new Option<bool>("--health")
        {
            Description = "Check a running socket server: an Info round trip over each --socket; exit 0 when all answer, 1 otherwise.",
        };
        var describe = new Option<bool>("--describe")
        {
            Description = "Print the UDF's edge types and options with ready kapacitor.conf and TICKscript snippets, then exit (the protocol is not started).",
        };
        var timeout = new Option<double>("--timeout")
        {
            Description = "How long --health waits for each answer, in seconds (default 5).",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => DefaultHealthTimeoutSeconds,
        };

        var root = new RootCommand(
            "A Kapacitor UDF. With no arguments it speaks the UDF protocol on STDIN/STDOUT (process mode: kapacitor.conf prog = ...); "
            + "with --socket it is a long-running server that Kapacitor connects to (socket mode: kapacitor.conf socket = ...).")
        {
            socket,
            health,
            describe,
            timeout,
        };
        if (catalog.Named)
        {
            root.Add(udf);
        }

        options ??= new UdfHostOptions();
        foreach (var limit in UdfLimits.All)
        {
            root.Add(new Option<string>(limit.Option)
            {
                Description = $"{limit.Description} Now {limit.Show(options)}; also {limit.Variable}; accepted: {limit.Accepted}.",
                HelpName = limit.Kind,
            });
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            return new UdfCommand.Usage(string.Join("; ", parse.Errors.Select(e => e.Message)));
        }

        // The root command has no action of its own: any action is --help or --version.
        if (parse.Action is not null)
        {
            return new UdfCommand.BuiltIn(parse);
        }

        var selected = catalog.Named ? parse.GetValue(udf) : null;
        if (parse.GetValue(describe))
        {
            return Describe(catalog, selected, parse.GetValue(socket) ?? [], parse.GetValue(health));
        }

        return Interpret(
            catalog,
            parse.GetValue(socket) ?? [],
            selected,
            parse.GetValue(health),
            parse.GetResult(timeout) is { Implicit: false } ? parse.GetValue(timeout) : null);
    }

    /// <summary>Runs a <see cref="UdfCommand.BuiltIn"/> request; System.CommandLine prints to STDOUT.</summary>
    /// <returns>The exit code.</returns>
    public static Task<int> InvokeBuiltInAsync(UdfCommand.BuiltIn command) =>
        command.Parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

    private static UdfCommand Interpret(UdfCatalog catalog, string[] sockets, string? udf, bool health, double? timeoutSeconds)
    {
        if (health)
        {
            if (sockets.Length == 0)
            {
                return new UdfCommand.Usage("--health needs --socket: the server to check");
            }

            if (udf is not null)
            {
                return new UdfCommand.Usage("--udf selects a UDF for process mode; --health checks the sockets given with --socket");
            }

            var seconds = timeoutSeconds ?? DefaultHealthTimeoutSeconds;
            if (!(seconds > 0) || double.IsInfinity(seconds))
            {
                return new UdfCommand.Usage($"--timeout must be a positive number of seconds, not {seconds.ToString(CultureInfo.InvariantCulture)}");
            }

            var paths = sockets.Select(s => catalog.Named && Split(s) is ({ } _, { } path) ? path : s).ToList();
            return new UdfCommand.Health(paths, TimeSpan.FromSeconds(seconds));
        }

        if (timeoutSeconds is not null)
        {
            return new UdfCommand.Usage("--timeout only applies to --health");
        }

        if (sockets.Length > 0)
        {
            return udf is not null
                ? new UdfCommand.Usage("--udf selects a UDF for process mode; in socket mode name each UDF in --socket NAME=PATH")
                : SocketTargets(catalog, sockets);
        }

        if (udf is not null)
        {
            return catalog.Udfs.TryGetValue(udf, out var factory)
                ? new UdfCommand.Process(factory)
                : new UdfCommand.Usage($"--udf {udf}: no UDF is named '{udf}' (UDFs: {catalog.NameList})");
        }

        return new UdfCommand.Usage(catalog.Named
            ? $"choose a mode: --udf NAME for process mode, or --socket NAME=PATH for socket mode (UDFs: {catalog.NameList})"
            : "no mode given: run with no arguments for process mode, or with --socket PATH for socket mode");
    }

    private static UdfCommand Describe(UdfCatalog catalog, string? udf, string[] sockets, bool health)
    {
        if (sockets.Length > 0 || health)
        {
            return new UdfCommand.Usage("--describe prints a description and exits: it takes no --socket or --health");
        }

        if (udf is null)
        {
            return new UdfCommand.Describe(catalog.Udfs.Select(u => ((string?)(catalog.Named ? u.Key : null), u.Value)).ToList());
        }

        return catalog.Udfs.TryGetValue(udf, out var factory)
            ? new UdfCommand.Describe([(udf, factory)])
            : new UdfCommand.Usage($"--udf {udf}: no UDF is named '{udf}' (UDFs: {catalog.NameList})");
    }

    private static UdfCommand SocketTargets(UdfCatalog catalog, string[] sockets)
    {
        if (!catalog.Named)
        {
            return sockets.Length == 1
                ? new UdfCommand.Socket([new UdfSocketTarget(null, sockets[0], catalog.Udfs[""])])
                : new UdfCommand.Usage("this program serves one UDF: give --socket once");
        }

        var targets = new List<UdfSocketTarget>();
        foreach (var value in sockets)
        {
            if (Split(value) is not ({ } name, { } path))
            {
                return new UdfCommand.Usage($"--socket {value}: this program serves several UDFs, so name the one to serve: --socket NAME=PATH (UDFs: {catalog.NameList})");
            }

            if (!catalog.Udfs.TryGetValue(name, out var factory))
            {
                return new UdfCommand.Usage($"--socket {value}: no UDF is named '{name}' (UDFs: {catalog.NameList})");
            }

            if (targets.Any(t => t.Name == name))
            {
                return new UdfCommand.Usage($"--socket {value}: the UDF '{name}' is already served; Kapacitor connects to one socket per UDF");
            }

            if (targets.Any(t => Path.GetFullPath(t.Path) == Path.GetFullPath(path)))
            {
                return new UdfCommand.Usage($"--socket {value}: {path} is already used by another UDF");
            }

            targets.Add(new UdfSocketTarget(name, path, factory));
        }

        return new UdfCommand.Socket(targets);
    }

    private static (string? Name, string? Path) Split(string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        return equals <= 0 || equals == value.Length - 1 ? (null, null) : (value[..equals], value[(equals + 1)..]);
    }
}
