using Kapacitor.Udf;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;

namespace MyUdf.Tests;

// The test kit runs the UDF in-process behind the real agent, over in-memory pipes, with the test playing Kapacitor.
public class MyUdfHandlerTests
{
    private const long Second = 1_000_000_000;

#if (stream)
    [Fact]
    public async Task Info_DeclaresAStreamUdfWithItsOptions()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MyUdfHandler(ctx));

        var info = await udf.InfoAsync();

        info.Wants.Should().Be(EdgeType.Stream);
        info.Provides.Should().Be(EdgeType.Stream);
        info.Options.Keys.Should().BeEquivalentTo("field", "factor", "as");
        info.Options["factor"].ValueTypes.Should().Equal(Kapacitor.Udf.Protocol.ValueType.Double);
    }

    [Fact]
    public async Task Point_IsScaledByTheFactor_AndKeepsItsGroup()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MyUdfHandler(ctx));
        (await udf.InitAsync(".field('value')", ".factor(2.0)")).Success.Should().BeTrue();
        var host = new Dictionary<string, string> { ["host"] = "a" };

        await udf.SendPointAsync(TestPoint.Stream("cpu", 5 * Second, host, ["host"]).SetField("value", 21.0));

        var output = (await udf.ReadOutputAsync()).Points.Should().ContainSingle().Subject;
        output.FieldsDouble.Should().Equal(new Dictionary<string, double> { ["scaled"] = 42.0 });
        output.Time.Should().Be(5 * Second);
        output.Name.Should().Be("cpu");
        output.Group.Should().Be("host=a");
        output.Tags.Should().Equal(host);
    }

    [Fact]
    public async Task Init_WithoutField_IsRefusedWithTheFix()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MyUdfHandler(ctx));

        var init = await udf.InitAsync(".factor(2.0)");

        init.Success.Should().BeFalse();
        init.Error.Should().Contain(".field is required");
    }

    [Fact]
    public async Task Define_FactorAsInt_IsRejectedLikeKapacitorDoes()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MyUdfHandler(ctx));

        var define = () => udf.InitAsync(".field('value')", ".factor(2)");

        await define.Should().ThrowAsync<UdfDefineException>().WithMessage("unexpected arg to factor, got INT expected DOUBLE");
    }
#else
    [Fact]
    public async Task Info_DeclaresABatchUdfWithItsOptions()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MyUdfHandler(ctx));

        var info = await udf.InfoAsync();

        info.Wants.Should().Be(EdgeType.Batch);
        info.Provides.Should().Be(EdgeType.Batch);
        info.Options.Keys.Should().BeEquivalentTo("field", "as");
    }

    [Fact]
    public async Task Batch_EachPointGetsItsDeviationFromTheMean_AndTheGroupIsKept()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MyUdfHandler(ctx));
        (await udf.InitAsync(".field('value')")).Success.Should().BeTrue();
        var points = new[] { 1.0, 2.0, 6.0 }.Select((v, i) => new Point { Time = i * Second }.SetField("value", v));

        await udf.SendBatchAsync("cpu", 10 * Second, points, new Dictionary<string, string> { ["host"] = "a" });

        var batch = (await udf.ReadOutputAsync()).Batches.Should().ContainSingle().Subject;
        batch.Points.Select(p => p.FieldsDouble["deviation"]).Should().Equal(-2.0, -1.0, 3.0);
        batch.Points.Select(p => p.FieldsDouble["value"]).Should().Equal(1.0, 2.0, 6.0);
        batch.Begin.Size.Should().Be(3);
        batch.End.Tmax.Should().Be(10 * Second);
        batch.End.Tags.Should().Equal(new Dictionary<string, string> { ["host"] = "a" });
    }

    [Fact]
    public async Task EmptyBatch_IsAnsweredWithAnEmptyBatch()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MyUdfHandler(ctx));
        await udf.InitAsync(".field('value')", ".as('d')");

        await udf.SendBatchAsync("cpu", 10 * Second, []);

        var batch = (await udf.ReadOutputAsync()).Batches.Should().ContainSingle().Subject;
        batch.Points.Should().BeEmpty();
        batch.Begin.Size.Should().Be(0);
    }

    [Fact]
    public async Task Init_WithoutField_IsRefusedWithTheFix()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MyUdfHandler(ctx));

        var init = await udf.InitAsync(".as('d')");

        init.Success.Should().BeFalse();
        init.Error.Should().Contain(".field is required");
    }
#endif
}
