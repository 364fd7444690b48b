namespace Kapacitor.Udf;

/// <summary>
/// One limit an operator sets without recompiling: the option <c>--NAME VALUE</c> and the variable
/// <c>KAPACITOR_UDF_NAME</c> (upper case, '-' as '_'), bound to one property of <see cref="UdfAgentOptions"/> or
/// <see cref="UdfServerOptions"/>. The table of them is <see cref="UdfLimits.All"/>.
/// </summary>
internal sealed class UdfLimit
{
    /// <summary>The prefix of every variable the host reads.</summary>
    public const string VariablePrefix = "KAPACITOR_UDF_";

    private readonly Func<string, UdfHostOptions, UdfHostOptions?> _apply;
    private readonly Func<UdfHostOptions, string> _show;

    private UdfLimit(string name, string property, string kind, string description, string accepted,
        Func<string, UdfHostOptions, UdfHostOptions?> apply, Func<UdfHostOptions, string> show)
    {
        Name = name;
        Property = property;
        Kind = kind;
        Description = description;
        Accepted = accepted;
        Variable = VariablePrefix + name.ToUpperInvariant().Replace('-', '_');
        _apply = apply;
        _show = show;
    }

    /// <summary>The kebab-case name: <c>max-handler-time</c>.</summary>
    public string Name { get; }

    /// <summary>The command-line option: <c>--max-handler-time</c>.</summary>
    public string Option => "--" + Name;

    /// <summary>The environment variable: <c>KAPACITOR_UDF_MAX_HANDLER_TIME</c>.</summary>
    public string Variable { get; }

    /// <summary>The bound property, as <c>Type.Property</c>.</summary>
    public string Property { get; }

    /// <summary>What the value is (<c>DURATION</c>, <c>SIZE</c>, <c>COUNT</c>, <c>MODE</c>), for help.</summary>
    public string Kind { get; }

    /// <summary>What the limit bounds, one sentence.</summary>
    public string Description { get; }

    /// <summary>The values accepted, as the refusal and the help state them.</summary>
    public string Accepted { get; }

    /// <summary>The value in <paramref name="options"/>, as an operator would write it.</summary>
    public string Show(UdfHostOptions options) => _show(options);

    /// <summary>Sets the limit from text.</summary>
    /// <returns>The new options, or <see langword="null"/> when the text is not an accepted value.</returns>
    public UdfHostOptions? TryApply(string text, UdfHostOptions options) => _apply(text, options);

    public static UdfLimit Duration(string name, string property, string description, TimeSpan min, TimeSpan max, string accepted,
        Func<UdfHostOptions, TimeSpan?> get, Func<UdfHostOptions, TimeSpan, UdfHostOptions> set) =>
        new(name, property, "DURATION", description, accepted,
            (text, options) => LimitSyntax.TryParseDuration(text, out var value) && value >= min && value <= max ? set(options, value) : null,
            options => get(options) is { } value ? LimitSyntax.FormatDuration(value) : "Kapacitor's timeout");

    public static UdfLimit Size(string name, string property, string description, long min, long max, string accepted,
        Func<UdfHostOptions, long> get, Func<UdfHostOptions, long, UdfHostOptions> set) =>
        new(name, property, "SIZE", description, accepted,
            (text, options) => LimitSyntax.TryParseSize(text, out var value) && value >= min && value <= max ? set(options, value) : null,
            options => LimitSyntax.FormatSize(get(options)));

    public static UdfLimit Count(string name, string property, string description, long min, long max, string accepted,
        Func<UdfHostOptions, long> get, Func<UdfHostOptions, long, UdfHostOptions> set) =>
        new(name, property, "COUNT", description, accepted,
            (text, options) => LimitSyntax.TryParseCount(text, out var value) && value >= min && value <= max ? set(options, value) : null,
            options => get(options).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static UdfLimit Mode(string name, string property, string description, string accepted,
        Func<UdfHostOptions, UnixFileMode> get, Func<UdfHostOptions, UnixFileMode, UdfHostOptions> set, Func<UnixFileMode, bool> valid) =>
        new(name, property, "MODE", description, accepted,
            (text, options) => LimitSyntax.TryParseMode(text, out var value) && valid(value) ? set(options, value) : null,
            options => UdfServer.FormatMode(get(options)));
}
