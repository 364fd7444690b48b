using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.EndToEnd.Tests;

[Collection(ProcessCollection.Name)]
public class OutliersTests
{
    private static readonly SimulatorOptions Windows = new() { GroupBy = ["host"], BatchPeriod = TimeSpan.FromSeconds(10) };

    [Theory]
    [MemberData(nameof(Examples.Builds), MemberType = typeof(Examples))]
    public async Task Run_KapacitorIntegrationData_FiveOutliersPerBatchWithTheGroupKept(string build)
    {
        // server_test.go testBatchAgent: 20 shuffled values per batch; fq=35, tq=54, fences 6.5 and 82.5.
        var result = await Run.ExampleAsync("Outliers", build, File.ReadAllText(Examples.PathOf("examples", "data", "outliers.lp")),
            Windows, "field('value')", "scale(1.5)");

        result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
        result.Batches.Should().HaveCount(2).And.AllSatisfy(batch =>
        {
            batch.Points.Select(p => p.FieldsDouble["value"]).Should().Equal(5, 6, 85, 90, 100);
            batch.Begin.Size.Should().Be(5);
            batch.End!.Name.Should().Be("cpu");
            batch.End.Tags.Should().ContainKey("host").WhoseValue.Should().Be("serverA");
        });
        result.Batches.Select(b => b.End!.Tmax).Should().Equal(10_000_000_000, 20_000_000_000);
    }

    [Fact]
    public async Task Run_WideFences_EmptyBatchesStillFramed()
    {
        var result = await Run.ExampleAsync("Outliers", File.ReadAllText(Examples.PathOf("examples", "data", "outliers.lp")),
            Windows, "field('value')", "scale(3.0)");

        result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
        result.Batches.Should().HaveCount(2).And.OnlyContain(b => b.Points.Count == 0 && b.Begin.Size == 0 && b.End != null);
    }

    [Fact]
    public async Task Run_BatchesOfZeroToSevenPoints_GoldenOutliersWhereGoCrashes()
    {
        // Go panics for n in {0, 1, 2, 5, 6}; we degrade gracefully: n < 3 has no outliers, and the right median
        // index is clamped (as Python does). Expected values from the reference's index rules.
        string[] windows =
        [
            "42", // n=1
            "", // n=0: an empty window between two others
            "1 2",
            "0 1000 1",
            "1000 0 4 1",
            "10 -1000 12 13 11",
            "14 -1000 10 12 13 11",
            "25 0 1000 1 16 4 9",
        ];
        var lines = windows.SelectMany((values, w) => values.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select((v, i) => $"cpu,host=a value={v} {(w * 10L + i) * 1_000_000_000}"));

        var result = await Run.ExampleAsync("Outliers", string.Join('\n', lines), Windows with { EmitEmptyWindows = true }, "field('value')");

        result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
        result.Batches.Select(b => b.Points.Select(p => p.FieldsDouble["value"]).ToArray()).Should().BeEquivalentTo(
            new[] { [], [], [], [], [], [-1000.0], [-1000.0], new[] { 1000.0 } },
            o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Run_TiedOutliers_KeepTheirInputOrder()
    {
        // A stable sort: Go's sort.Sort would not promise this.
        var values = new[] { "10", "11", "12", "500,id=second", "13", "14", "15", "500,id=first", "16", "17", "18" };
        var lines = values.Select((v, i) => v.Contains(',')
            ? $"cpu,host=a,{v.Split(',')[1]} value={v.Split(',')[0]} {i}000000000"
            : $"cpu,host=a value={v} {i}000000000");

        var result = await Run.ExampleAsync("Outliers", string.Join('\n', lines), Windows with { BatchPeriod = TimeSpan.FromSeconds(60) }, "field('value')");

        result.Batches.Should().ContainSingle().Which.Points.Select(p => p.Tags["id"]).Should().Equal("second", "first");
    }
}
