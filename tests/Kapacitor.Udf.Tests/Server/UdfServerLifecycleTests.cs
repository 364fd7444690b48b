using System.Net.Sockets;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Support;
using Serilog.Events;

namespace Kapacitor.Udf.Tests.Server;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Socket file modes are Unix only.
public sealed class UdfServerLifecycleTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);
    private readonly SocketDirectory _directory = new();
    private readonly CollectingLogger _log = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Start_StaleSocketFile_RemovesItLogsAndServes()
    {
        // Requirement 33: a socket file left by a killed server must not block the restart.
        var path = _directory.CreateStaleSocket("udf.sock");
        await using var server = NewServer(path);

        server.Start();

        _log.Messages(LogEventLevel.Warning).Should().Contain(m => m.Contains("Removed the stale socket file") && m.Contains(path));
        await using var client = await UdfSocketClient.ConnectAsync(path);
        await client.SendAsync(Requests.Info());
        (await client.ReadAsync()).MessageCase.Should().Be(Response.MessageOneofCase.Info);
    }

    [Fact]
    public async Task Start_LiveListenerAtPath_ThrowsNamingPathAndLeavesItServing()
    {
        var path = _directory.PathOf("udf.sock");
        await using var first = NewServer(path);
        first.Start();
        await using var second = NewServer(path);

        var start = () => second.Start();

        start.Should().Throw<IOException>().WithMessage($"*{path}*another server is listening*");
        await using var client = await UdfSocketClient.ConnectAsync(path);
        await client.SendAsync(Requests.Info());
        (await client.ReadAsync()).MessageCase.Should().Be(Response.MessageOneofCase.Info, "the first server still owns the socket");
        await second.Completion.WaitAsync(HangGuard);
    }

    [Fact]
    public async Task Start_RegularFileAtPath_ThrowsAndLeavesFileAlone()
    {
        var path = _directory.PathOf("udf.sock");
        await File.WriteAllTextAsync(path, "not a socket");
        await using var server = NewServer(path);

        var start = () => server.Start();

        start.Should().Throw<IOException>().WithMessage($"*{path}*not a socket*");
        (await File.ReadAllTextAsync(path)).Should().Be("not a socket");
    }

    [Fact]
    public async Task Start_DirectoryAtPath_ThrowsNamingPath()
    {
        var path = _directory.PathOf("udf.sock");
        Directory.CreateDirectory(path);
        await using var server = NewServer(path);

        var start = () => server.Start();

        start.Should().Throw<IOException>().WithMessage($"*{path}*is a directory*");
        Directory.Exists(path).Should().BeTrue();
    }

    [Fact]
    public async Task Start_MissingDirectory_ThrowsNamingIt()
    {
        var path = _directory.PathOf("missing/udf.sock");
        await using var server = NewServer(path);

        var start = () => server.Start();

        start.Should().Throw<IOException>().WithMessage($"*does not exist*");
    }

    [Fact]
    public void Constructor_PathOverUnixLimit_Throws()
    {
        var path = "/tmp/" + new string('x', 120) + ".sock";

        var create = () => new UdfServer(path, ctx => new TestHandler(ctx));

        create.Should().Throw<ArgumentException>().WithMessage("*at most 107*");
    }

    [Theory]
    [InlineData(null, "660")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite, "600")]
    public async Task Start_SocketFileMode_AppliedToTheFile(UnixFileMode? mode, string expectedOctal)
    {
        var path = _directory.PathOf("udf.sock");
        await using var server = NewServer(path, mode is { } m ? new UdfServerOptions { SocketFileMode = m } : null);

        server.Start();

        Convert.ToString((int)File.GetUnixFileMode(path), 8).Should().Be(expectedOctal);
    }

    [Fact]
    public async Task StopAsync_InFlightConnection_RefusesNewOnesDrainsItThenFileIsGone()
    {
        // Requirement 33 (the path SIGTERM/SIGINT take): stop listening, let the in-flight connection finish.
        var path = _directory.PathOf("udf.sock");
        var server = NewServer(path, new UdfServerOptions { DrainTimeout = HangGuard });
        server.Start();
        await using var client = await UdfSocketClient.ConnectAsync(path);
        await client.SendAsync(Requests.Init());
        (await client.ReadAsync()).Init.Success.Should().BeTrue();

        var stopping = server.StopAsync("test stop");

        await Eventually.TrueAsync(() => !File.Exists(path), "the socket file removed once the listener closed");
        var connectLate = () => UdfSocketClient.ConnectAsync(path);
        await connectLate.Should().ThrowAsync<SocketException>("nobody is listening any more");
        stopping.IsCompleted.Should().BeFalse("a connection is still in flight");
        await client.SendAsync(Requests.Point(1));
        (await client.ReadAsync()).Point.Time.Should().Be(1, "the in-flight connection is still served");
        client.HalfClose();
        (await client.ReadToEndAsync()).Should().BeEmpty();
        await stopping.WaitAsync(HangGuard);
        server.Completion.IsCompleted.Should().BeTrue();
        server.StopAsync("again").Should().BeSameAs(stopping, "stopping is idempotent");
    }

    [Fact]
    public async Task StopAsync_ConnectionPastDrainDeadline_GetsShutdownErrorThenEof()
    {
        var path = _directory.PathOf("udf.sock");
        var server = NewServer(path, new UdfServerOptions { DrainTimeout = TimeSpan.FromMilliseconds(200) });
        server.Start();
        await using var client = await UdfSocketClient.ConnectAsync(path);
        await client.SendAsync(Requests.Init());
        (await client.ReadAsync()).Init.Success.Should().BeTrue();

        var stopping = server.StopAsync("SIGTERM received");

        var error = await client.ReadAsync();
        error.Error.Error.Should().Be($"the UDF server at {path} is shutting down: SIGTERM received");
        client.HalfClose();
        (await client.ReadOrEndAsync()).Should().BeNull();
        await stopping.WaitAsync(HangGuard);
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public async Task StopAsync_BeforeStart_CompletesAndStartIsRefused()
    {
        var server = NewServer(_directory.PathOf("udf.sock"));

        await server.StopAsync().WaitAsync(HangGuard);

        var start = () => server.Start();
        start.Should().Throw<InvalidOperationException>();
        File.Exists(server.SocketPath).Should().BeFalse();
    }

    [Fact]
    public async Task DisposeAsync_Idle_RemovesFileAndCompletes()
    {
        var path = _directory.PathOf("udf.sock");
        var server = NewServer(path);
        server.Start();
        File.Exists(path).Should().BeTrue();

        await server.DisposeAsync().AsTask().WaitAsync(HangGuard);

        File.Exists(path).Should().BeFalse();
        server.Completion.IsCompletedSuccessfully.Should().BeTrue();
    }

    private UdfServer NewServer(string path, UdfServerOptions? options = null) =>
        new(path, ctx => new TestHandler(ctx), (options ?? new UdfServerOptions()) with { Logger = _log.Logger });
}
