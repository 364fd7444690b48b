using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.EndToEnd.Tests;

[Collection(ProcessCollection.Name)]
public class MovingAverageTests
{
    // Reference §5.1: size 3 over 1, 2, 3, 4, 5, 6, 0.1, 0.2 and an integer 7i (which reads as 0).
    private const string GoldenInput = """
        test value=1 1
        test value=2 2
        test value=3 3
        test value=4 4
        test value=5 5
        test value=6 6
        test value=0.1 7
        test value=0.2 8
        test value=7i 9
        """;

    private static readonly double[] GoldenOutput = [1, 1.5, 2, 3, 4, 5, 3.7, 2.1, 0.10000000000000009];

    [Fact]
    public async Task Run_GoldenVector_BitIdenticalToKapacitorsExample()
    {
        var result = await Run.ExampleAsync("MovingAverage", GoldenInput, "field('value')", "size(3)");

        result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
        result.Points.Select(p => BitConverter.DoubleToInt64Bits(p.FieldsDouble["avg"]))
            .Should().Equal(GoldenOutput.Select(BitConverter.DoubleToInt64Bits));
        result.ExitCode.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Examples.Builds), MemberType = typeof(Examples))]
    public async Task Run_KapacitorIntegrationData_SameAveragesAsKapacitorsTest(string build)
    {
        // server_test.go testStreamAgent: groups a and b, size 10.
        var result = await Run.ExampleAsync("MovingAverage", build, File.ReadAllText(Examples.PathOf("examples", "data", "moving_avg.lp")),
            new SimulatorOptions { GroupBy = ["group"] }, "field('value')", "size(10)", "as('mean')");

        result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
        Means(result, "group=a").Should().Equal([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.9, 0.8]);
        Means(result, "group=b").Should().Equal([2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1.9, 1.7]);
        result.Points.Should().OnlyContain(p => p.Name == "test" && p.Dimensions.SequenceEqual(new[] { "group" }) && p.FieldsInt.Count == 0);
    }

    [Theory]
    [MemberData(nameof(Examples.Builds), MemberType = typeof(Examples))]
    public async Task Run_SnapshotThenRestoreInANewProcess_ContinuesTheSameAverages(string build)
    {
        var lines = GoldenInput.Split('\n');
        var first = await Run.ExampleAsync("MovingAverage", build, string.Join('\n', lines[..5]),
            new SimulatorOptions { SnapshotAfter = 5 }, "field('value')", "size(3)");
        first.Snapshot.Should().NotBeNull();

        var second = await Run.ExampleAsync("MovingAverage", build, string.Join('\n', lines[5..]),
            new SimulatorOptions { RestoreSnapshot = first.Snapshot!.ToByteArray() }, "field('value')", "size(3)");

        second.IsClean.Should().BeTrue(string.Join("; ", second.Violations));
        second.Restore!.Success.Should().BeTrue();
        first.Points.Concat(second.Points).Select(p => BitConverter.DoubleToInt64Bits(p.FieldsDouble["avg"]))
            .Should().Equal(GoldenOutput.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public async Task Run_MissingField_InitFailsWithTheTickScriptFix()
    {
        var result = await Run.ExampleAsync("MovingAverage", "test value=1 1", "size(10)");

        result.Init!.Success.Should().BeFalse();
        result.Init.Error.Should().Contain(".field('value')");
        result.NodeError.Should().StartWith("failed to initialize processes ");
        result.ExitCode.Should().Be(0, "Kapacitor closes the input after a failed Init, an orderly end");
    }

    [Fact]
    public async Task Run_SizeAsADouble_RejectedAtDefineTimeAsKapacitorDoes()
    {
        var result = await Run.ExampleAsync("MovingAverage", "test value=1 1", "field('value')", "size(10.0)");

        result.DefineError.Should().Be("unexpected arg to size, got DOUBLE expected INT");
    }

    [Theory]
    [MemberData(nameof(Examples.Builds), MemberType = typeof(Examples))]
    public async Task Probe_InfoOnlyConnection_AnswersAndExitsCleanly(string build)
    {
        var probe = await Run.ProbeAsync("MovingAverage", build);

        probe.IsClean.Should().BeTrue(string.Join("; ", probe.Violations));
        probe.ExitCode.Should().Be(0);
        probe.Info!.Wants.Should().Be(EdgeType.Stream);
        probe.Info.Options.Keys.Should().BeEquivalentTo("field", "size", "as");
        probe.Info.Options["size"].ValueTypes.Should().Equal(Protocol.ValueType.Int);
    }

    private static IEnumerable<double> Means(SimulationResult result, string group) =>
        result.Points.Where(p => p.Group == group).Select(p => p.FieldsDouble["mean"]);
}
