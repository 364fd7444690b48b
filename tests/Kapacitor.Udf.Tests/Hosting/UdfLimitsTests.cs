using System.Reflection;
using Serilog;

namespace Kapacitor.Udf.Tests.Hosting;

public class UdfLimitsTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // Every settable limit of the three option classes: a text an operator writes, the value it sets, and the edges of
    // what is accepted (lowest, highest) with a value just outside each. A new limit property without a row here, or
    // without a binding in UdfLimits.All, fails Every_LimitProperty_HasABindingAndATestRow.
    private static readonly Dictionary<string, Row> Rows = new()
    {
        [$"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.MaxFrameSize)}"] = new("max-frame-size", "1MiB", 1048576L, "1", "2147483647", "0", "2GiB"),
        [$"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.QueueCapacity)}"] = new("queue-capacity", "17", 17, "1", "2147483647", "0", "2147483648"),
        [$"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.MaxHandlerTime)}"] = new("max-handler-time", "5m", TimeSpan.FromMinutes(5), "0", "10675199d", "-1s", "10675200d"),
        [$"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.DefaultKeepaliveTimeout)}"] = new("default-keepalive-timeout", "30s", TimeSpan.FromSeconds(30), "100ns", "1193h2m47s294ms", "0", "1193h2m47s295ms"),
        [$"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.DrainTimeout)}"] = new("drain-timeout", "2m", (TimeSpan?)TimeSpan.FromMinutes(2), "100ns", "1193h2m47s294ms", "0", "1193h2m47s295ms"),
        [$"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.MaxEarlyOutputBytes)}"] = new("max-early-output-bytes", "2MiB", 2097152, "1", "2147483647", "0", "2GiB"),
        [$"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.FlushThresholdBytes)}"] = new("flush-threshold-bytes", "16KiB", 16384, "1", "2147483647", "0", "2GiB"),
        [$"{nameof(UdfAgentOptions)}.{nameof(UdfAgentOptions.MaxOutputDelay)}"] = new("max-output-delay", "500us", TimeSpan.FromMicroseconds(500), "0", "1s", "-1ms", "1001ms"),
        [$"{nameof(UdfServerOptions)}.{nameof(UdfServerOptions.MaxConnections)}"] = new("max-connections", "8", 8, "1", "2147483647", "0", "2147483648"),
        [$"{nameof(UdfServerOptions)}.{nameof(UdfServerOptions.SocketFileMode)}"] = new("socket-file-mode", "0600", OwnerReadWrite, "0200", "0666", "0444", "0777"),
        [$"{nameof(UdfServerOptions)}.{nameof(UdfServerOptions.DrainTimeout)}"] = new("server-drain-timeout", "1m30s", TimeSpan.FromSeconds(90), "0", "1193h2m47s294ms", "-1s", "1193h2m47s295ms"),
    };

    // Collaborators, not limits: nothing an operator types.
    private static readonly Type[] NotLimits = [typeof(ILogger), typeof(TimeProvider), typeof(UdfAgentOptions), typeof(UdfServerOptions)];

    public static TheoryData<string> Properties => [.. Rows.Keys];

    [Fact]
    public void Every_LimitProperty_HasABindingAndATestRow()
    {
        var properties = new[] { typeof(UdfAgentOptions), typeof(UdfServerOptions), typeof(UdfHostOptions) }
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.SetMethod is { IsPublic: true } && !NotLimits.Contains(p.PropertyType))
                .Select(p => $"{t.Name}.{p.Name}"))
            .ToList();

        properties.Should().NotBeEmpty();
        UdfLimits.All.Select(l => l.Property).Should().BeEquivalentTo(properties, "every limit property is settable from args and env, and only those");
        Rows.Keys.Should().BeEquivalentTo(properties, "every limit has a row in this test");
    }

    [Fact]
    public void All_NamesAndVariables_AreKebabAndUpperSnakeOfOneName()
    {
        foreach (var limit in UdfLimits.All)
        {
            limit.Option.Should().Be("--" + limit.Name);
            limit.Name.Should().MatchRegex("^[a-z]+(-[a-z]+)*$");
            limit.Variable.Should().Be("KAPACITOR_UDF_" + limit.Name.Replace('-', '_').ToUpperInvariant());
        }

        UdfLimits.All.Select(l => l.Name).Should().OnlyHaveUniqueItems();
    }

    [Theory]
    [MemberData(nameof(Properties))]
    public void Apply_LimitFromTheCommandLine_SetsItsProperty(string property)
    {
        var row = Rows[property];

        var result = UdfLimits.Apply(["--" + row.Name, row.Text], [], new UdfHostOptions());

        result.Error.Should().BeNull();
        Read(result.Options, property).Should().Be(row.Value);
        result.Rest.Should().BeEmpty();
        result.LimitArguments.Should().Equal("--" + row.Name, row.Text);
        result.Sources.Should().Equal(new Dictionary<string, LimitSource> { [row.Name] = LimitSource.CommandLine });
    }

    [Theory]
    [MemberData(nameof(Properties))]
    public void Apply_LimitFromTheEnvironment_SetsItsProperty(string property)
    {
        var row = Rows[property];
        var variable = "KAPACITOR_UDF_" + row.Name.Replace('-', '_').ToUpperInvariant();

        var result = UdfLimits.Apply([], [new(variable, row.Text)], new UdfHostOptions());

        result.Error.Should().BeNull();
        result.Warnings.Should().BeEmpty();
        Read(result.Options, property).Should().Be(row.Value);
        result.Sources.Should().Equal(new Dictionary<string, LimitSource> { [row.Name] = LimitSource.Environment });
    }

    [Theory]
    [MemberData(nameof(Properties))]
    public void Apply_EdgesOfTheRange_AcceptedAndValidByTheOptionsOwnCheck(string property)
    {
        var row = Rows[property];

        foreach (var edge in new[] { row.Lowest, row.Highest })
        {
            var result = UdfLimits.Apply(["--" + row.Name, edge], [], new UdfHostOptions());

            result.Error.Should().BeNull(edge);
            var validate = () =>
            {
                result.Options.Agent.Validate();
                result.Options.Server.Validate();
            };
            validate.Should().NotThrow(edge);
        }
    }

    [Theory]
    [MemberData(nameof(Properties))]
    public void Apply_JustOutsideTheRange_RefusedWithOneLineNamingOptionValueAndRange(string property)
    {
        var row = Rows[property];
        var limit = UdfLimits.All.Single(l => l.Name == row.Name);

        foreach (var outside in new[] { row.BelowLowest, row.AboveHighest })
        {
            var result = UdfLimits.Apply(["--" + row.Name, outside], [], new UdfHostOptions());

            result.Error.Should().Be($"--{row.Name} {outside} is refused: accepted values are {limit.Accepted}");
            result.Error.Should().NotContain("\n");
        }
    }

    [Fact]
    public void Apply_BadEnvironmentValue_RefusedNamingTheVariable()
    {
        var result = UdfLimits.Apply([], [new("KAPACITOR_UDF_MAX_HANDLER_TIME", "5 minutes")], new UdfHostOptions());

        result.Error.Should().Be("KAPACITOR_UDF_MAX_HANDLER_TIME=5 minutes is refused: accepted values are 0 (no limit) or a duration, e.g. 500ms, 10s, 5m, 1h");
    }

    [Fact]
    public void Apply_CommandLineAndEnvironment_CommandLineWins()
    {
        var result = UdfLimits.Apply(["--max-handler-time", "5m"], [new("KAPACITOR_UDF_MAX_HANDLER_TIME", "1h")], new UdfHostOptions());

        result.Options.Agent.MaxHandlerTime.Should().Be(TimeSpan.FromMinutes(5));
        result.Sources["max-handler-time"].Should().Be(LimitSource.CommandLine);
    }

    [Fact]
    public void Apply_EnvironmentOverCode_EnvironmentWinsAndTheRestOfTheCodeStays()
    {
        var logger = new LoggerConfiguration().CreateLogger();
        var code = new UdfHostOptions
        {
            Agent = new UdfAgentOptions { MaxHandlerTime = TimeSpan.FromSeconds(1), QueueCapacity = 3 },
            Server = new UdfServerOptions { MaxConnections = 4 },
            Logger = logger,
        };

        var result = UdfLimits.Apply([], [new("KAPACITOR_UDF_MAX_HANDLER_TIME", "1h")], code);

        result.Options.Agent.MaxHandlerTime.Should().Be(TimeSpan.FromHours(1));
        result.Options.Agent.QueueCapacity.Should().Be(3);
        result.Options.Server.MaxConnections.Should().Be(4);
        result.Options.Logger.Should().BeSameAs(logger);
    }

    [Fact]
    public void Apply_NothingSet_TheProgramsOptionsUnchanged()
    {
        var code = new UdfHostOptions();
        string[] args = ["--udf", "avg"];

        var result = UdfLimits.Apply(args, [new("PATH", "/bin"), new("KAPACITOR_UDF_LOG_LEVEL", "Debug")], code);

        result.Options.Should().BeSameAs(code);
        result.Rest.Should().BeSameAs(args);
        result.Warnings.Should().BeEmpty("KAPACITOR_UDF_LOG_LEVEL is a setting too");
    }

    [Fact]
    public void Apply_LimitsAmongOtherArguments_TakenOutTheRestKeptInOrder()
    {
        var result = UdfLimits.Apply(["--socket", "a=/x.sock", "--max-connections=8", "--socket", "b=/y.sock", "--queue-capacity", "9"], [], new UdfHostOptions());

        result.Rest.Should().Equal("--socket", "a=/x.sock", "--socket", "b=/y.sock");
        result.Options.Server.MaxConnections.Should().Be(8);
        result.Options.Agent.QueueCapacity.Should().Be(9);
        result.LimitArguments.Should().Equal("--max-connections", "8", "--queue-capacity", "9");
    }

    [Fact]
    public void Apply_UnknownVariable_OneWarningLineAndGoesOn()
    {
        var result = UdfLimits.Apply([], [new("KAPACITOR_UDF_MAX_HANDLR_TIME", "5m")], new UdfHostOptions());

        result.Error.Should().BeNull();
        result.Warnings.Should().Equal("warning: KAPACITOR_UDF_MAX_HANDLR_TIME is not a setting of this UDF and is ignored (--describe lists its KAPACITOR_UDF_* variables)");
    }

    [Fact]
    public void Apply_EmptyVariable_TreatedAsUnset()
    {
        var result = UdfLimits.Apply([], [new("KAPACITOR_UDF_MAX_HANDLER_TIME", "")], new UdfHostOptions());

        result.Error.Should().BeNull();
        result.Options.Agent.MaxHandlerTime.Should().Be(new UdfAgentOptions().MaxHandlerTime);
    }

    [Fact]
    public void Apply_OptionWithoutValue_Refused()
    {
        UdfLimits.Apply(["--udf", "x", "--max-frame-size"], [], new UdfHostOptions())
            .Error.Should().StartWith("--max-frame-size needs a value: 1 to 2147483647 bytes");
    }

    [Fact]
    public void Apply_OptionGivenTwice_Refused()
    {
        UdfLimits.Apply(["--max-frame-size", "1MiB", "--max-frame-size=2MiB"], [], new UdfHostOptions())
            .Error.Should().Be("--max-frame-size is given twice");
    }

    [Fact]
    public void Describe_LimitsFromEverySource_EachRowNamesValueDefaultAndSource()
    {
        var code = new UdfHostOptions { Agent = new UdfAgentOptions { QueueCapacity = 3 } };
        var limits = UdfLimits.Apply(["--max-handler-time", "7m"], [new("KAPACITOR_UDF_MAX_CONNECTIONS", "8")], code);

        var lines = UdfLimits.Describe(limits, code).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines.Should().HaveCount(UdfLimits.All.Count + 2, "a heading, the column names and one row per limit");
        lines.Should().OnlyContain(l => l.StartsWith("# ", StringComparison.Ordinal));
        Row("--max-handler-time").Should().Equal("--max-handler-time", "KAPACITOR_UDF_MAX_HANDLER_TIME", "7m", "5m", "command", "line");
        Row("--max-connections").Should().Equal("--max-connections", "KAPACITOR_UDF_MAX_CONNECTIONS", "8", "1024", "environment");
        Row("--queue-capacity").Should().Equal("--queue-capacity", "KAPACITOR_UDF_QUEUE_CAPACITY", "3", "256", "code");
        Row("--max-frame-size").Should().Equal("--max-frame-size", "KAPACITOR_UDF_MAX_FRAME_SIZE", "64MiB", "64MiB", "default");

        string[] Row(string option) =>
            lines.Single(l => l.StartsWith($"# {option} ", StringComparison.Ordinal))[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void DeploymentDoc_TableListsEveryLimitWithItsVariableAndDefault()
    {
        var root = typeof(UdfLimitsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        var rows = File.ReadAllLines(Path.Combine(root, "docs", "deployment.md")).Where(l => l.StartsWith("| `--", StringComparison.Ordinal)).ToList();

        rows.Should().HaveCount(UdfLimits.All.Count);
        foreach (var limit in UdfLimits.All)
        {
            rows.Should().Contain(r => r.StartsWith($"| `{limit.Option}` | `{limit.Variable}` | {limit.Show(new UdfHostOptions())} |", StringComparison.Ordinal));
        }
    }

    private static object? Read(UdfHostOptions options, string property)
    {
        var (type, name) = (property[..property.IndexOf('.', StringComparison.Ordinal)], property[(property.IndexOf('.', StringComparison.Ordinal) + 1)..]);
        object owner = type == nameof(UdfAgentOptions) ? options.Agent : options.Server;
        return owner.GetType().GetProperty(name)!.GetValue(owner);
    }

    private sealed record Row(string Name, string Text, object Value, string Lowest, string Highest, string BelowLowest, string AboveHighest);
}
