namespace Kapacitor.Udf.Tests.Agent;

public class UdfAgentOptionsTests
{
    private static readonly UdfAgentOptions Defaults = new();

    public static TheoryData<string, UdfAgentOptions> Invalid() => new()
    {
        { "MaxFrameSize", Defaults with { MaxFrameSize = 0 } },
        { "MaxFrameSize", Defaults with { MaxFrameSize = (long)int.MaxValue + 1 } },
        { "QueueCapacity", Defaults with { QueueCapacity = 0 } },
        { "MaxHandlerTime", Defaults with { MaxHandlerTime = TimeSpan.FromTicks(-1) } },
        { "DefaultKeepaliveTimeout", Defaults with { DefaultKeepaliveTimeout = TimeSpan.Zero } },
        { "DefaultKeepaliveTimeout", Defaults with { DefaultKeepaliveTimeout = UdfAgentOptions.MaxTimerDelay + TimeSpan.FromTicks(1) } },
        { "DrainTimeout", Defaults with { DrainTimeout = TimeSpan.Zero } },
        { "DrainTimeout", Defaults with { DrainTimeout = UdfAgentOptions.MaxTimerDelay + TimeSpan.FromTicks(1) } },
        { "MaxEarlyOutputBytes", Defaults with { MaxEarlyOutputBytes = 0 } },
        { "FlushThresholdBytes", Defaults with { FlushThresholdBytes = 0 } },
        { "MaxOutputDelay", Defaults with { MaxOutputDelay = TimeSpan.FromTicks(-1) } },
        { "MaxOutputDelay", Defaults with { MaxOutputDelay = UdfAgentOptions.MaxOutputDelayLimit + TimeSpan.FromTicks(1) } },
    };

    public static TheoryData<UdfAgentOptions> AtTheEdges() =>
    [
        Defaults,
        Defaults with { MaxFrameSize = 1, QueueCapacity = 1, MaxEarlyOutputBytes = 1, FlushThresholdBytes = 1 },
        Defaults with { MaxFrameSize = int.MaxValue },
        Defaults with { MaxHandlerTime = TimeSpan.Zero, MaxOutputDelay = TimeSpan.Zero },
        Defaults with { DefaultKeepaliveTimeout = TimeSpan.FromTicks(1), DrainTimeout = TimeSpan.FromTicks(1) },
        Defaults with { DefaultKeepaliveTimeout = UdfAgentOptions.MaxTimerDelay, DrainTimeout = UdfAgentOptions.MaxTimerDelay },
        Defaults with { MaxOutputDelay = UdfAgentOptions.MaxOutputDelayLimit },
    ];

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_LimitOutOfRange_ThrowsNamingTheOption(string name, UdfAgentOptions options)
    {
        var validate = options.Validate;

        validate.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == name && e.Message.StartsWith($"{name} must ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(AtTheEdges))]
    public void Validate_LimitsAtTheEdgesOfTheirRanges_Accepted(UdfAgentOptions options)
    {
        var validate = options.Validate;

        validate.Should().NotThrow();
    }

    [Fact]
    public void Validate_NoTimeProvider_ThrowsNamingIt()
    {
        var options = Defaults with { TimeProvider = null! };

        var validate = options.Validate;

        validate.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("TimeProvider");
    }

    [Fact]
    public void Defaults_AreTheDocumentedLimits()
    {
        // RELIABILITY.md's limits table (ReliabilityDocTests checks the page against these).
        Defaults.MaxFrameSize.Should().Be(64L * 1024 * 1024);
        Defaults.QueueCapacity.Should().Be(256);
        Defaults.MaxHandlerTime.Should().Be(TimeSpan.FromMinutes(5));
        Defaults.DefaultKeepaliveTimeout.Should().Be(TimeSpan.FromSeconds(10));
        Defaults.DrainTimeout.Should().BeNull();
        Defaults.MaxEarlyOutputBytes.Should().Be(1024 * 1024);
        Defaults.FlushThresholdBytes.Should().Be(64 * 1024);
        Defaults.MaxOutputDelay.Should().Be(TimeSpan.FromMilliseconds(5));
        UdfAgentOptions.MaxOutputDelayLimit.Should().Be(TimeSpan.FromSeconds(1));
        UdfAgentOptions.MaxTimerDelay.Should().Be(TimeSpan.FromMilliseconds(4294967294));
    }
}
