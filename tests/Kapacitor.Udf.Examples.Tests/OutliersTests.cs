using Kapacitor.Udf.Examples.Outliers;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;

namespace Kapacitor.Udf.Examples.Tests;

public class OutliersTests
{
    private static readonly double[] IntegrationValues = [5, 6, 7, 13, 33, 35, 36, 45, 46, 47, 48, 50, 51, 52, 53, 54, 80, 85, 90, 100];

    [Fact]
    public async Task Info_Options_AreFieldAndScale()
    {
        await using var udf = UdfTestHarness.Start(ctx => new OutliersUdf(ctx));

        var info = await udf.InfoAsync();

        info.Wants.Should().Be(EdgeType.Batch);
        info.Provides.Should().Be(EdgeType.Batch);
        info.Options.Keys.Should().BeEquivalentTo("field", "scale");
        info.Options["field"].ValueTypes.Should().Equal(Protocol.ValueType.String);
        info.Options["scale"].ValueTypes.Should().Equal(Protocol.ValueType.Double);
    }

    [Fact]
    public async Task OnBatch_IntegrationBatchShuffled_EmitsTheFiveOutliersInOrder()
    {
        // server_test.go testBatchAgent: fq=35, tq=54, iqr=19, fences 6.5 and 82.5.
        await using var udf = UdfTestHarness.Start(ctx => new OutliersUdf(ctx));
        (await udf.InitAsync(".field('value')", ".scale(1.5)")).Success.Should().BeTrue();
        var values = IntegrationValues.ToArray();
        new Random(42).Shuffle(values);

        await udf.SendBatchAsync("cpu", 20_000, Points(values), new Dictionary<string, string> { ["count"] = "1" });

        var batch = (await udf.ReadOutputAsync()).Batches.Should().ContainSingle().Subject;
        batch.Points.Select(p => p.FieldsDouble["value"]).Should().Equal(5, 6, 85, 90, 100);
        batch.Begin.Should().Be(new BeginBatch { Name = "cpu", Group = "count=1", Tags = { ["count"] = "1" }, Size = 5 });
        batch.End.Should().Be(new EndBatch { Name = "cpu", Group = "count=1", Tags = { ["count"] = "1" }, Tmax = 20_000 });
    }

    [Fact]
    public async Task OnBatch_Scale3_EmitsAnEmptyBatchThatStillEchoesTheGroup()
    {
        await using var udf = UdfTestHarness.Start(ctx => new OutliersUdf(ctx));
        await udf.InitAsync(".field('value')", ".scale(3.0)");

        await udf.SendBatchAsync("cpu", 7, Points(IntegrationValues), new Dictionary<string, string> { ["count"] = "2" }, byName: true);

        var batch = (await udf.ReadOutputAsync()).Batches.Should().ContainSingle().Subject;
        batch.Points.Should().BeEmpty();
        batch.Begin.Size.Should().Be(0);
        batch.Begin.ByName.Should().BeTrue("byName is taken from the output Begin");
        batch.End.Tmax.Should().Be(7);
        batch.End.Tags.Should().Equal(new Dictionary<string, string> { ["count"] = "2" });
    }

    [Theory]
    [InlineData(new double[0], new double[0])]
    [InlineData(new double[] { 1000 }, new double[0])]
    [InlineData(new double[] { -1000, 1000 }, new double[0])]
    [InlineData(new double[] { 1, 2, 10000 }, new double[0])]
    [InlineData(new double[] { 0, 1, 4, 1000 }, new double[0])]
    [InlineData(new double[] { -10000, 0, 1, 2, 3 }, new double[] { -10000 })]
    [InlineData(new double[] { 0, 1, 2, 3, 10000 }, new double[0])]
    [InlineData(new double[] { -10000, 0, 1, 2, 3, 4 }, new double[] { -10000 })]
    [InlineData(new double[] { 0, 1, 2, 3, 4, 10000 }, new double[0])]
    [InlineData(new double[] { 0, 1, 4, 9, 16, 25, 1000 }, new double[] { 1000 })]
    public async Task OnBatch_SmallBatches_DegradeGracefullyWithTheClampedMedian(double[] values, double[] expected)
    {
        // Reference §5.2: Go panics for n in {0, 1, 2, 5, 6}; we emit an empty batch for n < 3 and clamp the right
        // median index (as Python does), so n = 5 and 6 never have upper outliers.
        await using var udf = UdfTestHarness.Start(ctx => new OutliersUdf(ctx));
        await udf.InitAsync(".field('value')");

        await udf.SendBatchAsync("cpu", 1, Points(values.Reverse()));

        var batch = (await udf.ReadOutputAsync()).Batches.Should().ContainSingle().Subject;
        batch.Points.Select(p => p.FieldsDouble["value"]).Should().Equal(expected);
        batch.Begin.Size.Should().Be(expected.Length);
    }

    [Fact]
    public async Task OnBatch_Outliers_AreTheInputPointsUnmodified()
    {
        await using var udf = UdfTestHarness.Start(ctx => new OutliersUdf(ctx));
        await udf.InitAsync(".field('value')");
        var points = Points([0, 1, 4, 9, 16, 25, 1000]);
        points[6].Tags["host"] = "h6";
        points[6].SetField("note", "far").SetField("n", 6L);

        await udf.SendBatchAsync("cpu", 1, points);

        var outlier = (await udf.ReadOutputAsync()).Batches.Single().Points.Should().ContainSingle().Subject;
        outlier.Time.Should().Be(6);
        outlier.Tags.Should().Equal(new Dictionary<string, string> { ["host"] = "h6" });
        outlier.FieldsString["note"].Should().Be("far");
        outlier.FieldsInt["n"].Should().Be(6);
        outlier.FieldsDouble.Keys.Should().Equal("value");
    }

    [Fact]
    public async Task OnBatch_EqualOutlierValues_KeepTheirArrivalOrder()
    {
        await using var udf = UdfTestHarness.Start(ctx => new OutliersUdf(ctx));
        await udf.InitAsync(".field('value')");
        // The integration batch with 85 and 90 replaced by two more 100s: three equal upper outliers, at times 2, 9, 17.
        double[] values = [50, 6, 100, 7, 13, 33, 35, 36, 45, 100, 46, 47, 48, 5, 51, 52, 53, 100, 54, 80];

        await udf.SendBatchAsync("cpu", 1, Points(values));

        (await udf.ReadOutputAsync()).Batches.Single().Points.Select(p => p.Time).Should().Equal(13, 1, 2, 9, 17);
    }

    [Fact]
    public async Task OnBatch_MissingField_ReadsAsZero()
    {
        await using var udf = UdfTestHarness.Start(ctx => new OutliersUdf(ctx));
        await udf.InitAsync(".field('value')");
        var points = Points([1000, 1001, 1002, 1003, 1004, 1005]);
        points.Add(new Point { Time = 99, FieldsInt = { ["value"] = 1000 } });

        await udf.SendBatchAsync("cpu", 1, points);

        (await udf.ReadOutputAsync()).Batches.Single().Points.Select(p => p.Time).Should().Equal(99);
    }

    [Fact]
    public async Task Init_ScaleBelowOne_IsRejectedWithTheRule()
    {
        await using var udf = UdfTestHarness.Start(ctx => new OutliersUdf(ctx));

        (await udf.InitAsync(".field('value')", ".scale(0.5)")).Error.Should().Be(".scale(0.5) is invalid: it must be at least 1.0");
    }

    [Fact]
    public async Task Init_ScaleAsInteger_IsRejectedAtDefineTimeLikeKapacitor()
    {
        await using var udf = UdfTestHarness.Start(ctx => new OutliersUdf(ctx));

        var define = () => udf.InitAsync(".field('value')", ".scale(2)");

        await define.Should().ThrowAsync<UdfDefineException>().WithMessage("unexpected arg to scale, got INT expected DOUBLE");
    }

    [Fact]
    public async Task Snapshot_Stateless_IsEmptyAndRestoreAcceptsAnything()
    {
        await using var udf = UdfTestHarness.Start(ctx => new OutliersUdf(ctx));
        await udf.InitAsync(".field('value')");

        (await udf.SnapshotAsync()).IsEmpty.Should().BeTrue();
        (await udf.RestoreAsync([1, 2, 3])).Success.Should().BeTrue();
    }

    private static List<Point> Points(IEnumerable<double> values) =>
        values.Select((v, i) => new Point { Time = i }.SetField("value", v)).ToList();
}
