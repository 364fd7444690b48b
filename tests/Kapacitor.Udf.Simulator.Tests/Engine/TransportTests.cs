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
