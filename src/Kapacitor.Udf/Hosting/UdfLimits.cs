namespace Kapacitor.Udf;

/// <summary>Where a limit's value came from; later sources win.</summary>
internal enum LimitSource
{
    /// <summary>The library's default.</summary>
    Default,

    /// <summary>The <see cref="UdfHostOptions"/> the program passed.</summary>
    Code,

    /// <summary>A <c>KAPACITOR_UDF_*</c> variable.</summary>
    Environment,

    /// <summary>A command-line option.</summary>
    CommandLine,
}

/// <summary>The limits after the environment and the command line are applied to the program's options.</summary>
/// <param name="Options">The options to run with.</param>
/// <param name="Rest">The arguments that are not limits (the mode), in order.</param>
/// <param name="LimitArguments">The limit options given, as <c>--name value</c> pairs (for ready kapacitor.conf
/// snippets).</param>
/// <param name="Sources">Where each limit set by the environment or the command line came from, by name.</param>
/// <param name="Warnings">One line per <c>KAPACITOR_UDF_*</c> variable that is no setting (a typo, usually).</param>
/// <param name="Error">The refusal, one line naming the option or variable, the value and what is accepted; then
/// nothing else applies.</param>
internal sealed record UdfLimitsResult(
    UdfHostOptions Options,
    string[] Rest,
    IReadOnlyList<string> LimitArguments,
    IReadOnlyDictionary<string, LimitSource> Sources,
    IReadOnlyList<string> Warnings,
    string? Error);

/// <summary>
/// Every limit of the agent and the socket server, settable as <c>--name VALUE</c> (or <c>--name=VALUE</c>) and as
/// <c>KAPACITOR_UDF_NAME=VALUE</c>: the command line wins over the environment, both over the program's
/// <see cref="UdfHostOptions"/> (operators, not authors, know the machine). Runs before anything else, on the Info
/// probe's path too, so it is plain code: no System.CommandLine, no regular expressions.
/// </summary>
internal static class UdfLimits
{
    private const string DurationExamples = "e.g. 500ms, 10s, 5m, 1h";
    private const string SizeForms = "written in bytes or with KiB, MiB or GiB (e.g. 65536, 64KiB, 64MiB)";

    private static readonly string TimerMax = LimitSyntax.FormatDuration(UdfAgentOptions.MaxTimerDelay);

    /// <summary>The variables the host reads besides the limits.</summary>
    public static readonly IReadOnlyList<string> OtherVariables = [UdfLogging.LevelVariable];

    /// <summary>Every limit, in the order help lists them.</summary>
    public static readonly IReadOnlyList<UdfLimit> All =
    [
        UdfLimit.Size("max-frame-size", $"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.MaxFrameSize)}",
            "The largest request accepted (and so the largest snapshot).",
            1, int.MaxValue, $"1 to {int.MaxValue} bytes, {SizeForms}",
            o => o.Agent.MaxFrameSize, (o, v) => WithAgent(o, o.Agent with { MaxFrameSize = v })),
        UdfLimit.Count("queue-capacity", $"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.QueueCapacity)}",
            "Requests waiting for the handler; when full, the UDF stops reading and Kapacitor waits.",
            1, int.MaxValue, $"a whole number from 1 to {int.MaxValue}",
            o => o.Agent.QueueCapacity, (o, v) => WithAgent(o, o.Agent with { QueueCapacity = (int)v })),
        UdfLimit.Duration("max-handler-time", $"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.MaxHandlerTime)}",
            "How long one handler call may run before it is declared hung.",
            TimeSpan.Zero, TimeSpan.MaxValue, $"0 (no limit) or a duration, {DurationExamples}",
            o => o.Agent.MaxHandlerTime, (o, v) => WithAgent(o, o.Agent with { MaxHandlerTime = v })),
        UdfLimit.Duration("default-keepalive-timeout", $"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.DefaultKeepaliveTimeout)}",
            "Kapacitor's timeout assumed until its keepalives reveal the real one.",
            TimeSpan.FromTicks(1), UdfAgentOptions.MaxTimerDelay, $"a duration above 0 and at most {TimerMax}, {DurationExamples}",
            o => o.Agent.DefaultKeepaliveTimeout, (o, v) => WithAgent(o, o.Agent with { DefaultKeepaliveTimeout = v })),
        UdfLimit.Duration("drain-timeout", $"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.DrainTimeout)}",
            "How long the UDF may take to finish after its input ends, an error or a signal (default: Kapacitor's timeout).",
            TimeSpan.FromTicks(1), UdfAgentOptions.MaxTimerDelay, $"a duration above 0 and at most {TimerMax}, {DurationExamples}",
            o => o.Agent.DrainTimeout, (o, v) => WithAgent(o, o.Agent with { DrainTimeout = v })),
        UdfLimit.Size("max-early-output-bytes", $"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.MaxEarlyOutputBytes)}",
            "Data emitted before Kapacitor may receive it (before Init or Restore) that is held; beyond it, emitters wait.",
            1, int.MaxValue, $"1 to {int.MaxValue} bytes, {SizeForms}",
            o => o.Agent.MaxEarlyOutputBytes, (o, v) => WithAgent(o, o.Agent with { MaxEarlyOutputBytes = (int)v })),
        UdfLimit.Size("flush-threshold-bytes", $"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.FlushThresholdBytes)}",
            "Pending output that is flushed even while input still streams.",
            1, int.MaxValue, $"1 to {int.MaxValue} bytes, {SizeForms}",
            o => o.Agent.FlushThresholdBytes, (o, v) => WithAgent(o, o.Agent with { FlushThresholdBytes = (int)v })),
        UdfLimit.Duration("max-output-delay", $"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.MaxOutputDelay)}",
            "The longest emitted data waits in the output before it is flushed (0 flushes every emit).",
            TimeSpan.Zero, UdfAgentOptions.MaxOutputDelayLimit,
            $"0 to {LimitSyntax.FormatDuration(UdfAgentOptions.MaxOutputDelayLimit)}, e.g. 0, 500us, 5ms, 100ms",
            o => o.Agent.MaxOutputDelay, (o, v) => WithAgent(o, o.Agent with { MaxOutputDelay = v })),
        UdfLimit.Count("max-connections", $"{nameof(UdfServerOptions)}.{nameof(UdfServerOptions.MaxConnections)}",
            "Socket mode: connections served at once; one more is refused with an ErrorResponse.",
            1, int.MaxValue, $"a whole number from 1 to {int.MaxValue}",
            o => o.Server.MaxConnections, (o, v) => WithServer(o, o.Server with { MaxConnections = (int)v })),
        UdfLimit.Mode("socket-file-mode", $"{nameof(UdfServerOptions)}.{nameof(UdfServerOptions.SocketFileMode)}",
            "Socket mode: the permissions of the socket file (connecting needs write permission).",
            "an octal mode of read and write bits with at least one write bit, 0200 to 0666, e.g. 0660",
            o => o.Server.SocketFileMode, (o, v) => WithServer(o, o.Server with { SocketFileMode = v }), IsSocketFileMode),
        UdfLimit.Duration("server-drain-timeout", $"{nameof(UdfServerOptions)}.{nameof(UdfServerOptions.DrainTimeout)}",
            "Socket mode: how long connections in flight may take to end after a stop.",
            TimeSpan.Zero, UdfAgentOptions.MaxTimerDelay, $"0 to {TimerMax}, {DurationExamples}",
            o => o.Server.DrainTimeout, (o, v) => WithServer(o, o.Server with { DrainTimeout = v })),
    ];

    /// <summary>Applies the <c>KAPACITOR_UDF_*</c> variables, then the limit options of <paramref name="args"/>, to
    /// <paramref name="options"/>. Pure: no I/O.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="environment">The process environment (only <c>KAPACITOR_UDF_*</c> entries are looked at).</param>
    /// <param name="options">The program's options.</param>
    /// <returns>The options to run with and the remaining arguments, or the refusal.</returns>
    public static UdfLimitsResult Apply(string[] args, IEnumerable<KeyValuePair<string, string>> environment, UdfHostOptions options)
    {
        var sources = new Dictionary<string, LimitSource>();
        var warnings = new List<string>();
        foreach (var (variable, value) in environment.Where(e => e.Key.StartsWith(UdfLimit.VariablePrefix, StringComparison.Ordinal)).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            // An empty variable is an unset one, as in most tools (docker run -e NAME=).
            if (value.Length == 0)
            {
                continue;
            }

            var limit = All.FirstOrDefault(l => l.Variable == variable);
            if (limit is null)
            {
                if (!OtherVariables.Contains(variable))
                {
                    warnings.Add($"warning: {variable} is not a setting of this UDF and is ignored (--describe lists its {UdfLimit.VariablePrefix}* variables)");
                }

                continue;
            }

            if (limit.TryApply(value, options) is not { } applied)
            {
                return Refused(options, args, $"{variable}={value} is refused: accepted values are {limit.Accepted}");
            }

            options = applied;
            sources[limit.Name] = LimitSource.Environment;
        }

        List<string>? rest = null;
        var given = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg : arg[..equals];
            var limit = arg.StartsWith("--", StringComparison.Ordinal) ? All.FirstOrDefault(l => l.Option == name) : null;
            if (limit is null)
            {
                rest?.Add(arg);
                continue;
            }

            rest ??= [.. args[..i]];
            if (equals < 0 && i + 1 == args.Length)
            {
                return Refused(options, args, $"{limit.Option} needs a value: {limit.Accepted}");
            }

            var value = equals < 0 ? args[++i] : arg[(equals + 1)..];
            if (given.Contains(limit.Option))
            {
                return Refused(options, args, $"{limit.Option} is given twice");
            }

            if (limit.TryApply(value, options) is not { } applied)
            {
                return Refused(options, args, $"{limit.Option} {value} is refused: accepted values are {limit.Accepted}");
            }

            options = applied;
            sources[limit.Name] = LimitSource.CommandLine;
            given.Add(limit.Option);
            given.Add(value);
        }

        return new UdfLimitsResult(options, rest?.ToArray() ?? args, given, sources, warnings, null);
    }

    /// <summary>The limits table <c>--describe</c> prints: each option, its variable, the value in force, the default
    /// and what set it.</summary>
    /// <param name="limits">The applied limits.</param>
    /// <param name="code">The program's options, before the environment and the command line.</param>
    /// <returns>Comment lines (<c># ...</c>), <c>\n</c>-terminated.</returns>
    public static string Describe(UdfLimitsResult limits, UdfHostOptions code)
    {
        var defaults = new UdfHostOptions();
        var rows = All.Select(l => (l.Option, l.Variable, Value: l.Show(limits.Options), Default: l.Show(defaults),
            SetBy: limits.Sources.TryGetValue(l.Name, out var source) ? source
                : l.Show(code) != l.Show(defaults) ? LimitSource.Code : LimitSource.Default)).ToList();
        string[] header = ["option", "environment variable", "value", "default"];
        int[] widths =
        [
            Math.Max(header[0].Length, rows.Max(r => r.Option.Length)),
            Math.Max(header[1].Length, rows.Max(r => r.Variable.Length)),
            Math.Max(header[2].Length, rows.Max(r => r.Value.Length)),
            Math.Max(header[3].Length, rows.Max(r => r.Default.Length)),
        ];
        var builder = new System.Text.StringBuilder();
        builder.Append("# limits: --NAME VALUE (kapacitor.conf args) or ").Append(UdfLimit.VariablePrefix)
            .Append("NAME=VALUE ([udf.functions.NAME.env]); the command line wins over the environment, both over the program's code\n");
        builder.Append("# ").Append(header[0].PadRight(widths[0])).Append("  ").Append(header[1].PadRight(widths[1])).Append("  ")
            .Append(header[2].PadRight(widths[2])).Append("  ").Append(header[3].PadRight(widths[3])).Append("  set by\n");
        foreach (var (option, variable, value, defaultValue, setBy) in rows)
        {
            builder.Append("# ").Append(option.PadRight(widths[0])).Append("  ").Append(variable.PadRight(widths[1])).Append("  ")
                .Append(value.PadRight(widths[2])).Append("  ").Append(defaultValue.PadRight(widths[3])).Append("  ").Append(SetByName(setBy)).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Reads the process environment as <see cref="Apply"/> takes it.</summary>
    public static IEnumerable<KeyValuePair<string, string>> ProcessEnvironment()
    {
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                yield return new(key, value);
            }
        }
    }

    private static string SetByName(LimitSource source) => source switch
    {
        LimitSource.Code => "code",
        LimitSource.Environment => "environment",
        LimitSource.CommandLine => "command line",
        _ => "default",
    };

    private static UdfLimitsResult Refused(UdfHostOptions options, string[] args, string error) =>
        new(options, args, [], new Dictionary<string, LimitSource>(), [], error);

    // The server's own check, so the rule lives in one place.
    private static bool IsSocketFileMode(UnixFileMode mode)
    {
        try
        {
            new UdfServerOptions { SocketFileMode = mode }.Validate();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static UdfHostOptions WithAgent(UdfHostOptions options, UdfAgentOptions agent) =>
        new() { Agent = agent, Server = options.Server, Logger = options.Logger };

    private static UdfHostOptions WithServer(UdfHostOptions options, UdfServerOptions server) =>
        new() { Agent = options.Agent, Server = server, Logger = options.Logger };
}
