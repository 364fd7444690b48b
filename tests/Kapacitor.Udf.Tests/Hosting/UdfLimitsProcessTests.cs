using System.Buffers;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Hosting;

/// <summary>Limits from the command line and <c>KAPACITOR_UDF_*</c> variables, through a real executable started as
/// kapacitord starts it: with kapacitor.conf's <c>args</c> and <c>env</c>, an InfoRequest on STDIN (the Info probe).</summary>
[Collection(ProcessCollection.Name)]
public sealed class UdfLimitsProcessTests
{
    private const string HandlerTimeRange = "accepted values are 0 (no limit) or a duration, e.g. 500ms, 10s, 5m, 1h";

    [Fact]
    public async Task InfoProbe_BadLimitArgument_ExitsTwoWithOneStderrLineAndNoAnswer()
    {
        await using var udf = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: true, null, "--udf", "faulty", "--max-handler-time", "5x");

        var (exitCode, stdout) = await ProbeAsync(udf);

        exitCode.Should().Be(2);
        stdout.Should().BeEmpty("the protocol never starts");
        udf.StderrLines.Should().Equal($"usage error: --max-handler-time 5x is refused: {HandlerTimeRange} (run with --help for usage)");
    }

    [Fact]
    public async Task InfoProbe_BadLimitVariable_ExitsTwoWithOneStderrLineNamingTheVariable()
    {
        var environment = new Dictionary<string, string> { ["KAPACITOR_UDF_MAX_HANDLER_TIME"] = "00:05:00" };
        await using var udf = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: true, environment, "--udf", "faulty");

        var (exitCode, stdout) = await ProbeAsync(udf);

        exitCode.Should().Be(2);
        stdout.Should().BeEmpty();
        udf.StderrLines.Should().Equal($"usage error: KAPACITOR_UDF_MAX_HANDLER_TIME=00:05:00 is refused: {HandlerTimeRange} (run with --help for usage)");
    }

    [Fact]
    public async Task InfoProbe_GoodLimitArgumentAndUnknownVariable_AnswersWithOneWarningWithoutTheCommandLineParser()
    {
        // Requirement 10: the Info probe stays on the lean path with limits given; a mistyped variable is named.
        var environment = new Dictionary<string, string> { ["KAPACITOR_UDF_MAX_HANDLR_TIME"] = "5m" };
        await using var udf = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: true, environment, "--udf", "faulty", "--max-handler-time", "5m");
        await using var client = UdfSocketClient.ForProcess(udf.Process);

        await client.SendAsync(Requests.Info());
        var info = await client.ReadAsync();

        info.MessageCase.Should().Be(Response.MessageOneofCase.Info);
        udf.HasLoaded("Kapacitor.Udf.dll").Should().BeTrue("the check must see loaded assemblies");
        udf.HasLoaded("System.CommandLine.dll").Should().BeFalse();
        udf.Process.StandardInput.Close();
        (await udf.WaitForExitAsync()).Should().Be(0);
        udf.Process.WaitForExit(); // flushes the redirected STDERR events
        udf.StderrLines.Should().ContainSingle(l => l.Contains("KAPACITOR_UDF_MAX_HANDLR_TIME", StringComparison.Ordinal))
            .Which.Should().StartWith("warning: KAPACITOR_UDF_MAX_HANDLR_TIME is not a setting of this UDF");
    }

    [Fact]
    public async Task ProcessMode_FrameSizeFromCommandLineAndEnvironment_CommandLineWins()
    {
        // Arrange: the environment allows 64 MiB, the command line 1 KiB; a point with a 2,000-character tag.
        var environment = new Dictionary<string, string> { ["KAPACITOR_UDF_MAX_FRAME_SIZE"] = "64MiB" };
        await using var udf = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: true, environment, "--udf", "faulty", "--max-frame-size", "1KiB");
        await using var client = UdfSocketClient.ForProcess(udf.Process);
        var big = Requests.Point(1);
        big.Point.Tags["host"] = new string('h', 2000);

        // Act
        await client.SendAsync(Requests.Init());
        var init = await client.ReadAsync();
        await client.SendAsync(big);
        var responses = await client.ReadToEndAsync();
        client.HalfClose();

        // Assert
        init.Init.Success.Should().BeTrue();
        responses.Should().NotContain(r => r.MessageCase == Response.MessageOneofCase.Point, "the point is above the command line's 1 KiB");
        responses.Should().ContainSingle(r => r.MessageCase == Response.MessageOneofCase.Error, string.Join("; ", responses))
            .Which.Error.Error.Should().Contain("exceeds the maximum frame size of 1024 bytes");
        (await udf.WaitForExitAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Help_ListsEveryLimitWithItsVariable()
    {
        await using var mirror = UdfProcess.StartMirror(rawStdio: false, "--help");

        (await mirror.WaitForExitAsync()).Should().Be(0);
        mirror.Process.WaitForExit();
        var help = string.Join('\n', mirror.StdoutLines);
        foreach (var limit in UdfLimits.All)
        {
            help.Should().Contain($"{limit.Option} <{limit.Kind}>").And.Contain(limit.Variable);
        }
    }

    [Fact]
    public async Task Describe_WithLimits_ShowsEachValueWhereItCameFromAndTheArgsForKapacitorConf()
    {
        var environment = new Dictionary<string, string> { ["KAPACITOR_UDF_QUEUE_CAPACITY"] = "64" };
        await using var mirror = UdfProcess.Start(UdfProcess.MirrorDll, rawStdio: false, environment, "--describe", "--max-handler-time", "7m");

        (await mirror.WaitForExitAsync()).Should().Be(0);
        mirror.Process.WaitForExit();
        var lines = mirror.StdoutLines.ToList();
        lines.Should().Contain($"  args = [\"{Path.GetFullPath(UdfProcess.MirrorDll)}\", \"--max-handler-time\", \"7m\"]");
        lines.Should().Contain(l => l.StartsWith("# --max-handler-time ", StringComparison.Ordinal) && l.Contains(" 7m ") && l.EndsWith("command line", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("# --queue-capacity ", StringComparison.Ordinal) && l.Contains(" 64 ") && l.EndsWith("environment", StringComparison.Ordinal));
        foreach (var limit in UdfLimits.All)
        {
            lines.Should().Contain(l => l.StartsWith($"# {limit.Option} ", StringComparison.Ordinal) && l.Contains(limit.Variable));
        }
    }

    [Fact]
    public async Task SocketMode_BadLimitArgument_ExitsTwoBeforeListening()
    {
        using var directory = new SocketDirectory();
        var path = directory.PathOf("mirror.sock");
        await using var mirror = UdfProcess.StartMirror(rawStdio: false, "--socket", path, "--max-connections", "0");

        (await mirror.WaitForExitAsync()).Should().Be(2);
        mirror.Process.WaitForExit();
        mirror.StderrLines.Should().Equal("usage error: --max-connections 0 is refused: accepted values are a whole number from 1 to 2147483647 (run with --help for usage)");
        File.Exists(path).Should().BeFalse();
    }

    // Kapacitor's Info probe: the InfoRequest written (the process may already be gone), STDIN closed, STDOUT read to
    // its end, the exit awaited.
    private static async Task<(int ExitCode, byte[] Stdout)> ProbeAsync(UdfProcess udf)
    {
        var frame = new ArrayBufferWriter<byte>();
        VarintFrame.WriteFrame(frame, Requests.Info());
        using var timeout = new CancellationTokenSource(UdfProcess.Timeout);
        try
        {
            await udf.Process.StandardInput.BaseStream.WriteAsync(frame.WrittenMemory, timeout.Token);
            udf.Process.StandardInput.Close();
        }
        catch (IOException)
        {
            // EPIPE: it exited before reading, as a refusal should.
        }

        using var stdout = new MemoryStream();
        await udf.Process.StandardOutput.BaseStream.CopyToAsync(stdout, timeout.Token);
        var exitCode = await udf.WaitForExitAsync();
        udf.Process.WaitForExit(); // flushes the redirected STDERR events
        return (exitCode, stdout.ToArray());
    }
}
