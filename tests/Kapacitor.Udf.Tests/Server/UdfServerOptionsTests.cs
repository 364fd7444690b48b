using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Server;

/// <summary>Issue 6 security: every server limit is checked when the server is created, with an error that names the
/// option and the rule, rather than surfacing later as a strange failure on a live connection or at shutdown.</summary>
public class UdfServerOptionsTests
{
    // Never bound: the constructor validates without touching the file system.
    private const string Path = "/tmp/kudf-options-test.sock";

    [Fact]
    public void Constructor_Defaults_Accepted()
    {
        var create = () => Create(new UdfServerOptions());

        create.Should().NotThrow();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_ConnectionCapNotPositive_ThrowsNamingMaxConnections(int cap)
    {
        var create = () => Create(new UdfServerOptions { MaxConnections = cap });

        create.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == nameof(UdfServerOptions.MaxConnections))
            .WithMessage("MaxConnections must be positive*");
    }

    [Fact]
    public void Constructor_DrainDeadlineNegative_ThrowsNamingDrainTimeout()
    {
        var create = () => Create(new UdfServerOptions { DrainTimeout = TimeSpan.FromSeconds(-1) });

        create.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == nameof(UdfServerOptions.DrainTimeout))
            .WithMessage("DrainTimeout must not be negative*");
    }

    [Fact]
    public void Constructor_DrainDeadlineZero_Accepted()
    {
        // Zero is meaningful: end every connection in flight at once when the server stops.
        var create = () => Create(new UdfServerOptions { DrainTimeout = TimeSpan.Zero });

        create.Should().NotThrow();
    }

    [Fact]
    public void Constructor_DrainDeadlineBeyondTheTimerRange_ThrowsNamingDrainTimeout()
    {
        // Regression: TimeSpan.MaxValue ("wait forever") used to pass, and StopAsync then threw
        // ArgumentOutOfRangeException from Task.WaitAsync at shutdown, with connections in flight, instead of draining.
        var create = () => Create(new UdfServerOptions { DrainTimeout = TimeSpan.MaxValue });

        create.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == nameof(UdfServerOptions.DrainTimeout))
            .WithMessage("DrainTimeout must be at most 49.17:02:47.294*");
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.None)]
    public void Constructor_FileModeWithoutWritePermission_ThrowsSayingNobodyCouldConnect(UnixFileMode mode)
    {
        // Connecting to a Unix socket needs write permission on its file: such a server would refuse everyone.
        var create = () => Create(new UdfServerOptions { SocketFileMode = mode });

        create.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == nameof(UdfServerOptions.SocketFileMode))
            .WithMessage("SocketFileMode * grants no write permission, so no client could connect (connecting to a Unix socket needs write permission)*");
    }

    [Theory]
    [InlineData(UnixFileMode.SetUser)]
    [InlineData(UnixFileMode.SetGroup)]
    [InlineData(UnixFileMode.StickyBit)]
    [InlineData(UnixFileMode.UserExecute)]
    public void Constructor_FileModeWithBitsBeyondReadWrite_ThrowsNamingSocketFileMode(UnixFileMode extra)
    {
        // Execute, setuid, setgid and sticky mean nothing on a socket; asking for them is a mistake worth reporting.
        var create = () => Create(new UdfServerOptions { SocketFileMode = UdfServerOptions.DefaultSocketFileMode | extra });

        create.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == nameof(UdfServerOptions.SocketFileMode))
            .WithMessage("SocketFileMode 0* may only hold read and write permission bits (0666)*");
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)]
    public void Constructor_ReadWriteFileModes_Accepted(UnixFileMode mode)
    {
        var create = () => Create(new UdfServerOptions { SocketFileMode = mode });

        create.Should().NotThrow();
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void Constructor_MaxFrameSizeNotPositive_ThrowsNamingMaxFrameSize(long size)
    {
        var create = () => Create(new UdfServerOptions { Agent = new UdfAgentOptions { MaxFrameSize = size } });

        create.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == nameof(UdfAgentOptions.MaxFrameSize))
            .WithMessage("MaxFrameSize must be positive*");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public void Constructor_MaxOutputDelayOutOfRange_ThrowsNamingIt(int milliseconds)
    {
        var create = () => Create(new UdfServerOptions { Agent = new UdfAgentOptions { MaxOutputDelay = TimeSpan.FromMilliseconds(milliseconds) } });

        create.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == nameof(UdfAgentOptions.MaxOutputDelay))
            .WithMessage("MaxOutputDelay must be between 0 and 00:00:01*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public void Constructor_MaxOutputDelayAtTheEnds_Accepted(int milliseconds)
    {
        var create = () => Create(new UdfServerOptions { Agent = new UdfAgentOptions { MaxOutputDelay = TimeSpan.FromMilliseconds(milliseconds) } });

        create.Should().NotThrow();
    }

    [Fact]
    public void Constructor_MaxFrameSizeAboveWhatProtobufParses_ThrowsNamingMaxFrameSize()
    {
        // Google.Protobuf cannot parse a message of 2 GiB or more: a larger limit would promise what cannot be kept.
        var create = () => Create(new UdfServerOptions { Agent = new UdfAgentOptions { MaxFrameSize = int.MaxValue + 1L } });

        create.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == nameof(UdfAgentOptions.MaxFrameSize))
            .WithMessage("MaxFrameSize must be at most 2147483647*");
    }

    [Fact]
    public void Constructor_AgentDrainDeadlineBeyondTheTimerRange_ThrowsNamingDrainTimeout()
    {
        // Regression, the agent's twin of the server's: Task.Delay threw from the reader thread's cleanup when the
        // input ended, so the connection never completed its input side.
        var create = () => Create(new UdfServerOptions { Agent = new UdfAgentOptions { DrainTimeout = TimeSpan.MaxValue } });

        create.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == nameof(UdfAgentOptions.DrainTimeout))
            .WithMessage("DrainTimeout must be at most 49.17:02:47.294*");
    }

    [Fact]
    public void Constructor_DefaultKeepaliveTimeoutBeyondTheTimerRange_ThrowsNamingIt()
    {
        // Without a DrainTimeout, the estimated keepalive timeout is the drain deadline: the same timer limit applies.
        var create = () => Create(new UdfServerOptions { Agent = new UdfAgentOptions { DefaultKeepaliveTimeout = TimeSpan.MaxValue } });

        create.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == nameof(UdfAgentOptions.DefaultKeepaliveTimeout))
            .WithMessage("DefaultKeepaliveTimeout must be at most 49.17:02:47.294*");
    }

    [Fact]
    public void Constructor_NullAgentOptions_ThrowsNamingAgent()
    {
        var create = () => Create(new UdfServerOptions { Agent = null! });

        create.Should().Throw<ArgumentNullException>().Where(e => e.ParamName == nameof(UdfServerOptions.Agent));
    }

    private static UdfServer Create(UdfServerOptions options) => new(Path, ctx => new TestHandler(ctx), options);
}
