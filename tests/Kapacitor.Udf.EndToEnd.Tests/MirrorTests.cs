using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.EndToEnd.Tests;

[Collection(ProcessCollection.Name)]
public class MirrorTests
{
    private const int SIGTERM = 15;

    [Theory]
    [MemberData(nameof(Examples.Builds), MemberType = typeof(Examples))]
    public async Task Run_KapacitorIntegrationData_EveryPointBackUnchanged(string build)
    {
        // server_test.go testStreamAgentSocket: 12 points, a 10 s window downstream counts 10.
        var input = File.ReadAllText(Examples.PathOf("examples", "data", "mirror.lp"));
        var result = await Run.ExampleAsync("Mirror", build, input, new SimulatorOptions { GroupBy = ["group"], SnapshotAfter = 6 });

        result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
        result.Points.Should().HaveCount(12);
        result.Points.Select(p => p.FieldsDouble["value"]).Should().Equal(Enumerable.Range(0, 12).Select(i => (double)i));
        result.Points.Should().OnlyContain(p => p.Name == "test" && p.Group == "group=a" && p.Tags["group"] == "a");
        result.Points.Count(p => p.Time < 10_000_000_000).Should().Be(10);
        result.Snapshot!.IsEmpty.Should().BeTrue("mirror has no state: an empty snapshot, not an error (requirement 41)");
        result.ExitCode.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Examples.Builds), MemberType = typeof(Examples))]
    public async Task Run_SocketMode_ServesTheTaskAndStopsOnSigterm(string build)
    {
        // Kapacitor's socket mode: one long-lived server, a connection for the task; SIGTERM removes the socket file.
        var directory = Directory.CreateTempSubdirectory("mirror-socket-");
        var socket = Path.Combine(directory.FullName, "mirror.sock");
        var executable = build == Examples.Native ? Examples.NativePath("Mirror") : Examples.PathOf("examples", "Mirror", "bin", Examples.Configuration, "net10.0", "Mirror");
        using var server = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(executable, ["--socket", socket]) { RedirectStandardError = true })!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(socket) && DateTime.UtcNow < deadline && !server.HasExited)
            {
                await Task.Delay(20);
            }

            File.Exists(socket).Should().BeTrue("the server listens within 30 s");
            var input = File.ReadAllText(Examples.PathOf("examples", "data", "mirror.lp"));
            var result = await Run.TargetAsync(new UnixSocketUdfTarget(socket), "mirror", input, new SimulatorOptions { GroupBy = ["group"] });

            result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
            result.Points.Select(p => p.FieldsDouble["value"]).Should().Equal(Enumerable.Range(0, 12).Select(i => (double)i));

            kill(server.Id, SIGTERM).Should().Be(0);
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            server.ExitCode.Should().Be(0);
            File.Exists(socket).Should().BeFalse("SIGTERM removes the socket file");
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }

            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Run_BatchInputToAStreamUdf_RejectedAtDefineTime()
    {
        var result = await Run.ExampleAsync("Mirror", "test value=1 1", new SimulatorOptions { BatchPeriod = TimeSpan.FromSeconds(10) });

        result.DefineError.Should().NotBeNull();
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
