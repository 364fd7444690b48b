using System.Buffers;
using System.IO.Pipelines;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Hosting;

[Collection(ProcessCollection.Name)]
public sealed class UdfHostProcessTests : IDisposable
{
    private readonly SocketDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Mirror_SocketModeThenSigterm_DrainsConnectionRemovesFileExitsZero()
    {
        // Requirements 31, 33, 34 end to end: the built example as a socket server, stopped by SIGTERM.
        var path = _directory.PathOf("mirror.sock");
        await using var mirror = UdfProcess.StartMirror(rawStdio: false, "--socket", path);
        await mirror.WaitForStderrAsync("Listening on");
        await using var client = await UdfSocketClient.ConnectAsync(path);
        await client.SendAsync(Requests.Init());
        (await client.ReadAsync()).Init.Success.Should().BeTrue();
        await client.SendAsync(Enumerable.Range(0, 100).Select(i => Requests.Point(i)));

        mirror.Signal(UdfProcess.SIGTERM);
        await mirror.WaitForStderrAsync("Stopping (SIGTERM received)");
        client.HalfClose();
        var echoes = await client.ReadToEndAsync();

        echoes.Select(r => r.Point.Time).Should().Equal(Enumerable.Range(0, 100).Select(i => (long)i), "the in-flight connection is drained, not cut");
        (await mirror.WaitForExitAsync()).Should().Be(0);
        File.Exists(path).Should().BeFalse();
        mirror.StderrLines.Should().Contain(l => l.Contains("[conn=1]"));
    }

    [Fact]
    public async Task Mirror_HealthAgainstLiveSocket_ExitsZeroWithOneLine()
    {
        // Requirement 35: the readiness check a supervisor runs before starting kapacitord (docs/socket-mode.md).
        var path = _directory.PathOf("mirror.sock");
        await using var server = UdfProcess.StartMirror(rawStdio: false, "--socket", path);
        await server.WaitForStderrAsync("Listening on");

        await using var probe = UdfProcess.StartMirror(rawStdio: false, "--health", "--socket", path);
        var exitCode = await probe.WaitForExitAsync();

        exitCode.Should().Be(0);
        probe.Process.WaitForExit(); // flushes the redirected output events
        probe.StdoutLines.Should().ContainSingle().Which.Should().StartWith($"healthy: {path} answered Info");
    }

    [Fact]
    public async Task Mirror_HealthAgainstMissingSocket_ExitsOneWithReason()
    {
        var path = _directory.PathOf("absent.sock");

        await using var probe = UdfProcess.StartMirror(rawStdio: false, "--health", "--socket", path);
        var exitCode = await probe.WaitForExitAsync();

        exitCode.Should().Be(1);
        probe.Process.WaitForExit();
        probe.StderrLines.Should().ContainSingle().Which.Should().Be($"unhealthy: {path}: no socket file (is the server running?)");
    }

    [Fact]
    public async Task Mirror_HealthAgainstStaleSocket_ExitsOne()
    {
        var path = _directory.CreateStaleSocket("stale.sock");

        await using var probe = UdfProcess.StartMirror(rawStdio: false, "--health", "--socket", path);

        (await probe.WaitForExitAsync()).Should().Be(1);
        probe.Process.WaitForExit();
        probe.StderrLines.Should().ContainSingle().Which.Should().Contain("nothing is listening");
    }

    [Fact]
    public async Task Mirror_NoArguments_ServesInfoWithoutLoadingTheCommandLineParser()
    {
        // Requirement 10: the Info probe path stays lean; System.CommandLine loads only when there are arguments.
        await using var mirror = UdfProcess.StartMirror(rawStdio: true);
        var frame = new ArrayBufferWriter<byte>();
        VarintFrame.WriteFrame(frame, Requests.Info());
        await mirror.Process.StandardInput.BaseStream.WriteAsync(frame.WrittenMemory);
        await mirror.Process.StandardInput.BaseStream.FlushAsync();

        var info = await ReadResponseAsync(mirror.Process.StandardOutput.BaseStream);

        info.MessageCase.Should().Be(Response.MessageOneofCase.Info);
        mirror.HasLoaded("Kapacitor.Udf.dll").Should().BeTrue("the check must see loaded assemblies");
        mirror.HasLoaded("System.CommandLine.dll").Should().BeFalse();
        mirror.Process.StandardInput.Close();
        (await mirror.WaitForExitAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Mirror_SocketMode_LoadsTheCommandLineParser()
    {
        // The counterpart of the test above: proves the /proc/PID/maps check can see System.CommandLine at all.
        var path = _directory.PathOf("mirror.sock");
        await using var mirror = UdfProcess.StartMirror(rawStdio: false, "--socket", path);
        await mirror.WaitForStderrAsync("Listening on");

        mirror.HasLoaded("System.CommandLine.dll").Should().BeTrue();
    }

    [Fact]
    public async Task Mirror_SecondServerOnLiveSocket_ExitsOneAndFirstKeepsServing()
    {
        var path = _directory.PathOf("mirror.sock");
        await using var first = UdfProcess.StartMirror(rawStdio: false, "--socket", path);
        await first.WaitForStderrAsync("Listening on");

        await using var second = UdfProcess.StartMirror(rawStdio: false, "--socket", path);

        (await second.WaitForExitAsync()).Should().Be(1);
        second.Process.WaitForExit();
        second.StderrLines.Should().Contain(l => l.Contains($"cannot listen on {path}: another server is listening on it"));
        await using var client = await UdfSocketClient.ConnectAsync(path);
        await client.SendAsync(Requests.Info());
        (await client.ReadAsync()).MessageCase.Should().Be(Response.MessageOneofCase.Info);
    }

    [Fact]
    public async Task Mirror_Describe_PrintsTheSnippetsOfUdfDescriptionWithoutTheProtocol()
    {
        // Issue 5: --describe prints what Kapacitor would learn from the Info probe, with ready snippets.
        await using var mirror = UdfProcess.StartMirror(rawStdio: false, "--describe");

        (await mirror.WaitForExitAsync()).Should().Be(0);
        mirror.Process.WaitForExit();
        var printed = string.Join('\n', mirror.StdoutLines);
        printed.Should().Contain("# options: none")
            .And.Contain("# UDF mirror: wants STREAM, provides STREAM, 0 options")
            .And.Contain("[udf.functions.mirror]")
            .And.Contain($"args = [\"{Path.GetFullPath(UdfProcess.MirrorDll)}\"]", "run through the dotnet host, the dll is the argument")
            .And.Contain("    @mirror()");
        printed.Should().Contain(UdfDescription.TickScript(new InfoResponse(), "mirror").TrimEnd('\n'));
    }

    [Fact]
    public async Task Mirror_UnknownArgument_ExitsTwoWithUsageError()
    {
        await using var mirror = UdfProcess.StartMirror(rawStdio: false, "--bogus");

        (await mirror.WaitForExitAsync()).Should().Be(2);
        mirror.Process.WaitForExit();
        mirror.StderrLines.Should().Contain(l => l.StartsWith("usage error: ") && l.Contains("--bogus"));
    }

    [Fact]
    public async Task Mirror_LogLevelDebug_LogsEachManagementCallAndTheEnd()
    {
        // Issue 14: KAPACITOR_UDF_LOG_LEVEL=Debug adds a line per management call and one at the end.
        await using var mirror = UdfProcess.Start(UdfProcess.MirrorDll, rawStdio: true, new Dictionary<string, string> { [UdfLogging.LevelVariable] = "Debug" });

        await RunTaskAsync(mirror);

        var debug = mirror.StderrLines.Where(l => l.Contains(" D! ", StringComparison.Ordinal)).ToList();
        debug.Should().Contain(l => l.Contains("[task=cpu node=mirror1] Init with no option calls: accepted"));
        debug.Should().Contain(l => l.Contains("[task=cpu node=mirror1] Snapshot: 0 bytes"));
        debug.Should().Contain(l => l.Contains("[task=cpu node=mirror1] Stop: 3 point(s) came in (0 batch(es))"));
    }

    [Fact]
    public async Task Mirror_DefaultLogLevel_LogsNoDebugLines()
    {
        await using var mirror = UdfProcess.Start(UdfProcess.MirrorDll, rawStdio: true, new Dictionary<string, string> { [UdfLogging.LevelVariable] = "" });

        await RunTaskAsync(mirror);

        mirror.StderrLines.Should().NotContain(l => l.Contains(" D! ", StringComparison.Ordinal));
    }

    // A task as Kapacitor runs it: Init, three points, a snapshot, then the input closed; the process must exit 0.
    private static async Task RunTaskAsync(UdfProcess udf)
    {
        var frames = new ArrayBufferWriter<byte>();
        foreach (var request in new[] { Requests.Init("cpu", "mirror1"), Requests.Point(1), Requests.Point(2), Requests.Point(3), Requests.Snapshot() })
        {
            VarintFrame.WriteFrame(frames, request);
        }

        await udf.Process.StandardInput.BaseStream.WriteAsync(frames.WrittenMemory);
        udf.Process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(UdfProcess.Timeout);
        await udf.Process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, timeout.Token);
        (await udf.WaitForExitAsync()).Should().Be(0);
        udf.Process.WaitForExit(); // flushes the redirected STDERR events
    }

    private static async Task<Response> ReadResponseAsync(Stream stdout)
    {
        using var timeout = new CancellationTokenSource(UdfProcess.Timeout);
        var frames = new FrameReader(PipeReader.Create(stdout, new StreamPipeReaderOptions(leaveOpen: true)));
        return await frames.ReadMessageAsync(Response.Parser, timeout.Token)
            ?? throw new EndOfStreamException("the UDF closed STDOUT before answering");
    }
}
