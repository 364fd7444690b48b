using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.EndToEnd.Tests;

[Collection(ProcessCollection.Name)]
public class MirrorTests
{
    [Fact]
    public async Task Run_KapacitorIntegrationData_EveryPointBackUnchanged()
    {
        // server_test.go testStreamAgentSocket: 12 points, a 10 s window downstream counts 10.
        var input = File.ReadAllText(Examples.PathOf("examples", "data", "mirror.lp"));
        var result = await Run.ExampleAsync("Mirror", input, new SimulatorOptions { GroupBy = ["group"], SnapshotAfter = 6 });

        result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
        result.Points.Should().HaveCount(12);
        result.Points.Select(p => p.FieldsDouble["value"]).Should().Equal(Enumerable.Range(0, 12).Select(i => (double)i));
        result.Points.Should().OnlyContain(p => p.Name == "test" && p.Group == "group=a" && p.Tags["group"] == "a");
        result.Points.Count(p => p.Time < 10_000_000_000).Should().Be(10);
        result.Snapshot!.IsEmpty.Should().BeTrue("mirror has no state: an empty snapshot, not an error (requirement 41)");
        result.ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task Run_BatchInputToAStreamUdf_RejectedAtDefineTime()
    {
        var result = await Run.ExampleAsync("Mirror", "test value=1 1", new SimulatorOptions { BatchPeriod = TimeSpan.FromSeconds(10) });

        result.DefineError.Should().NotBeNull();
    }
}
