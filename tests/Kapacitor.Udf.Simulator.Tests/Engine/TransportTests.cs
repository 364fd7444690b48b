using System.Net.Sockets;
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Simulator.Tests.Support;
using static Kapacitor.Udf.Simulator.Tests.Support.TestData;

namespace Kapacitor.Udf.Simulator.Tests.Engine;

public sealed class TransportTests
{
    [Fact]
    public async Task RunAsync_UnixSocketUdf_HalfClosesAndReadsToEof()
    {
        // Arrange: a socket server that serves every connection with the fake UDF.
        var path = Path.Combine(Path.GetTempPath(), $"sim-{Guid.NewGuid():N}.sock");
        var udf = new FakeUdf();
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        using var stop = new CancellationTokenSource();
        var server = ServeAsync(listener, udf, stop.Token);
        try
        {
            // Act
            var result = await new UdfSimulator().RunAsync(new UnixSocketUdfTarget(path), "m value=1\nm value=2").WaitAsync(Hang);

            // Assert
            result.Violations.Should().BeEmpty();
            result.ExitCode.Should().BeNull("a socket UDF has no exit code");
            result.Points.Should().HaveCount(2);
        }
        finally
        {
            await stop.CancelAsync();
            listener.Close();
            await server.WaitAsync(Hang);
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ProbeAsync_ProcessThatIsNoUdf_ReportsEarlyEofExitCodeAndStderr()
    {
        // Arrange: a program that reads its input, complains on STDERR and exits 3.
        if (!File.Exists("/bin/sh"))
        {
            return;
        }

        var target = new ProcessUdfTarget("/bin/sh", ["-c", "head -c 1 >/dev/null; echo 'not a UDF' >&2; exit 3"]);

        // Act
        var probe = await new UdfSimulator().ProbeAsync(target).WaitAsync(Hang);

        // Assert
        probe.Info.Should().BeNull();
        probe.ExitCode.Should().Be(3);
        probe.StderrLines.Should().Equal("not a UDF");
        probe.Violations.Select(v => v.Kind).Should().Equal(ViolationKind.OutputClosedEarly, ViolationKind.NonZeroExitCode);
    }

    [Fact]
    public async Task OpenAsync_MissingSocket_FailsAtOnceSayingTheServerIsNotRunning()
    {
        // Arrange
        var path = Path.Combine(Path.GetTempPath(), $"sim-{Guid.NewGuid():N}.sock");

        // Act
        var act = () => new UnixSocketUdfTarget(path).OpenAsync(_ => { }, CancellationToken.None).WaitAsync(Hang);

        // Assert
        (await act.Should().ThrowAsync<IOException>()).Which.Message.Should().Be($"no socket at {path}: is the UDF server running?");
    }

    [Fact]
    public async Task OpenAsync_SocketNobodyListensOn_SaysConnectionRefused()
    {
        // Arrange: bound but never listening, like the file a crashed server left behind.
        var path = Path.Combine(Path.GetTempPath(), $"sim-{Guid.NewGuid():N}.sock");
        using var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        stale.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            // Act
            var act = () => new UnixSocketUdfTarget(path).OpenAsync(_ => { }, CancellationToken.None).WaitAsync(Hang);

            // Assert
            (await act.Should().ThrowAsync<IOException>()).Which.Message.Should().StartWith($"connection refused at {path}: the socket file exists but no server is listening");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("file", "a regular file")]
    [InlineData("directory", "a directory")]
    public async Task OpenAsync_PathThatIsNoSocket_SaysWhatItIs(string kind, string description)
    {
        // Arrange
        var path = Path.Combine(Path.GetTempPath(), $"sim-{Guid.NewGuid():N}");
        if (kind == "file")
        {
            await File.WriteAllTextAsync(path, "not a socket");
        }
        else
        {
            Directory.CreateDirectory(path);
        }

        try
        {
            // Act
            var act = () => new UnixSocketUdfTarget(path).OpenAsync(_ => { }, CancellationToken.None).WaitAsync(Hang);

            // Assert
            (await act.Should().ThrowAsync<IOException>()).Which.Message.Should().StartWith($"{path} is {description}, not a socket");
        }
        finally
        {
            if (kind == "file")
            {
                File.Delete(path);
            }
            else
            {
                Directory.Delete(path);
            }
        }
    }

    private static async Task ServeAsync(Socket listener, FakeUdf udf, CancellationToken stop)
    {
        var connections = new List<Task>();
        var index = 0;
        try
        {
            while (true)
            {
                var socket = await listener.AcceptAsync(stop);
                var stream = new NetworkStream(socket, ownsSocket: true);
                connections.Add(udf.ServeAsync(stream, stream, index++, stop));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        await Task.WhenAll(connections);
    }
}
