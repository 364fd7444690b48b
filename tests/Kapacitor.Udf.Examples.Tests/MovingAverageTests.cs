using System.Text;
using Google.Protobuf;
using Kapacitor.Udf.Examples.MovingAverage;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;

namespace Kapacitor.Udf.Examples.Tests;

public class MovingAverageTests
{
    private const long Second = 1_000_000_000;

    [Fact]
    public async Task Info_Options_AreFieldSizeAndAs()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));

        var info = await udf.InfoAsync();

        info.Wants.Should().Be(EdgeType.Stream);
        info.Provides.Should().Be(EdgeType.Stream);
        info.Options.Should().HaveCount(3);
        info.Options["field"].ValueTypes.Should().Equal(Protocol.ValueType.String);
        info.Options["size"].ValueTypes.Should().Equal(Protocol.ValueType.Int);
        info.Options["as"].ValueTypes.Should().Equal(Protocol.ValueType.String);
    }

    [Fact]
    public async Task OnPoint_Size3GoldenVector_IsBitIdenticalToKapacitorsExamples()
    {
        // Reference §5.1: the int 7i reads as 0, and the last average shows the accumulated rounding.
        await using var udf = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));
        (await udf.InitAsync(".field('value')", ".size(3)")).Success.Should().BeTrue();
        double[] inputs = [1, 2, 3, 4, 5, 6, 0.1, 0.2];
        for (var i = 0; i < inputs.Length; i++)
        {
            await udf.SendPointAsync(TestPoint.Stream("test", i * Second).SetField("value", inputs[i]));
        }

        await udf.SendPointAsync(TestPoint.Stream("test", 8 * Second).SetField("value", 7L));

        var averages = (await udf.ReadOutputAsync()).Points.Select(p => p.FieldsDouble["avg"]).ToArray();
        averages.Select(BitConverter.DoubleToInt64Bits).Should().Equal(
            new[] { 1, 1.5, 2, 3, 4, 5, 3.7, 2.1, 0.10000000000000009 }.Select(BitConverter.DoubleToInt64Bits));
        BitConverter.DoubleToInt64Bits(averages[^1]).Should().Be(0x3FB99999999999A0, "hex 0x1.99999999999a0p-4");
    }

    [Fact]
    public async Task OnPoint_KapacitorIntegrationGroups_GiveTheIntegrationTestsAverages()
    {
        // server_test.go testStreamAgent: groupBy('group'), .size(10).as('mean'), 12 points per group, interleaved.
        await using var udf = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));
        (await udf.InitAsync(".field('value')", ".size(10)", ".as('mean')")).Success.Should().BeTrue();
        for (var t = 0; t < 12; t++)
        {
            double a = t < 10 ? 1 : 0;
            double b = t < 10 ? 2 : t == 10 ? 1 : 0;
            await udf.SendPointAsync(Grouped("a", t * Second).SetField("value", a));
            await udf.SendPointAsync(Grouped("b", t * Second).SetField("value", b));
        }

        var points = (await udf.ReadOutputAsync()).Points;

        points.Where(p => p.Group == "group=a").Select(p => p.FieldsDouble["mean"])
            .Should().Equal(Enumerable.Repeat(1.0, 10).Concat([0.9, 0.8]));
        points.Where(p => p.Group == "group=b").Select(p => p.FieldsDouble["mean"])
            .Should().Equal(Enumerable.Repeat(2.0, 10).Concat([1.9, 1.7]));
    }

    [Fact]
    public async Task OnPoint_OutputPoint_IsTheInputWithOnlyTheAverageAndItsBoolFields()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));
        await udf.InitAsync(new MovingAverageOptions { Field = "value", Size = 2 });
        var input = Grouped("a", 5 * Second).SetField("value", 4.0).SetField("count", 3L).SetField("host", "h1").SetField("ok", true);
        input.FieldsDouble["other"] = 9;

        await udf.SendPointAsync(input.Clone());

        var output = (await udf.ReadOutputAsync()).Points.Should().ContainSingle().Subject;
        output.FieldsDouble.Should().Equal(new Dictionary<string, double> { ["avg"] = 4.0 });
        output.FieldsInt.Should().BeEmpty();
        output.FieldsString.Should().BeEmpty();
        output.FieldsBool.Should().Equal(new Dictionary<string, bool> { ["ok"] = true });
        var expected = input.Clone();
        expected.FieldsDouble.Clear();
        expected.FieldsDouble["avg"] = 4.0;
        expected.FieldsInt.Clear();
        expected.FieldsString.Clear();
        output.Should().Be(expected, "time, name, database, retention policy, group, dimensions, byName and tags are kept");
    }

    [Fact]
    public async Task Snapshot_RestoredInANewProcess_ContinuesEveryWindowExactly()
    {
        double[] values = [1, 2, 3, 4, 5, 6, 0.1, 0.2, 7, 8];
        var uninterrupted = await AveragesAsync(values, restoreAfter: null);

        var resumed = await AveragesAsync(values, restoreAfter: 5);

        resumed.Select(BitConverter.DoubleToInt64Bits).Should().Equal(uninterrupted.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public async Task Snapshot_Payload_IsThePythonExamplesJsonInsideTheVersionedEnvelope()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));
        await udf.InitAsync(".field('value')", ".size(10)");
        await udf.SendPointAsync(Grouped("a", 0).SetField("value", 1.5));
        await udf.ReadOutputAsync();

        var snapshot = (await udf.SnapshotAsync()).ToByteArray();

        snapshot[..5].Should().Equal(0xC4, (byte)'U', (byte)'D', (byte)'F', 1);
        BitConverter.ToInt32(snapshot, 5).Should().Be(1);
        Encoding.UTF8.GetString(snapshot[9..]).Should().Be("""{"group=a":{"size":10,"window":[1.5],"avg":1.5}}""");
    }

    [Fact]
    public async Task Snapshot_NoPointsYet_IsEmptySoKapacitorStoresNothing()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));
        await udf.InitAsync(".field('value')", ".size(10)");

        (await udf.SnapshotAsync()).IsEmpty.Should().BeTrue();
    }

    [Fact]
    public async Task Restore_UnversionedSnapshotOfTheEarlierBuild_IsMigrated()
    {
        // What this example stored before it used versioned snapshots: the bare JSON.
        var legacy = """{"group=a":{"size":3,"window":[1,2,3],"avg":2}}"""u8.ToArray();
        await using var udf = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));
        await udf.InitAsync(".field('value')", ".size(3)");

        (await udf.RestoreAsync(legacy)).Success.Should().BeTrue();
        await udf.SendPointAsync(Grouped("a", 0).SetField("value", 4.0));

        (await udf.ReadOutputAsync()).Points.Single().FieldsDouble["avg"].Should().Be(2 + (4.0 / 3 - 1.0 / 3));
    }

    [Fact]
    public async Task Restore_Garbage_StartsFreshInsteadOfFailingTheTask()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));
        await udf.InitAsync(".field('value')", ".size(3)");

        (await udf.RestoreAsync(ByteString.CopyFromUtf8("not a snapshot"))).Success.Should().BeTrue();
        await udf.SendPointAsync(Grouped("a", 0).SetField("value", 4.0));

        (await udf.ReadOutputAsync()).Points.Single().FieldsDouble["avg"].Should().Be(4.0);
    }

    [Fact]
    public async Task Init_NoOptions_NamesEveryMissingOptionWithItsFix()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));

        var init = await udf.InitAsync();

        init.Success.Should().BeFalse();
        init.Error.Should().Be(".field is required: add .field('value'); .size is required: add .size(10)");
    }

    [Fact]
    public async Task Init_SizeZeroAndEmptyAs_ReportsBothTogether()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));

        var init = await udf.InitAsync(".field('value')", ".size(0)", ".as('')");

        init.Error.Should().Be(".size(0) is invalid: it must be at least 1; .as('') is invalid: it must not be empty");
    }

    [Fact]
    public async Task Init_SizeAsFloat_IsRejectedAtDefineTimeLikeKapacitor()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));

        var define = () => udf.InitAsync(".field('value')", ".size(10.0)");

        await define.Should().ThrowAsync<UdfDefineException>().WithMessage("unexpected arg to size, got DOUBLE expected INT");
    }

    [Fact]
    public async Task BeginBatch_OnThisStreamUdf_FailsWithAProtocolError()
    {
        await using var udf = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));
        await udf.InitAsync(".field('value')", ".size(3)");

        await udf.SendBatchAsync("test", 0, []);

        (await udf.EndInputAsync()).Result!.Reason.Should().Be(UdfFailureReason.ProtocolViolation);
    }

    private static Point Grouped(string group, long time) =>
        TestPoint.Stream("test", time, new Dictionary<string, string> { ["group"] = group }, ["group"]);

    // Runs the values through one UDF, or through two with a snapshot/restore between them, as a task restart does.
    private static async Task<List<double>> AveragesAsync(double[] values, int? restoreAfter)
    {
        var averages = new List<double>();
        var first = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));
        var udf = first;
        try
        {
            await udf.InitAsync(".field('value')", ".size(3)");
            for (var i = 0; i < values.Length; i++)
            {
                if (i == restoreAfter)
                {
                    averages.AddRange((await udf.ReadOutputAsync()).Points.Select(p => p.FieldsDouble["avg"]));
                    var snapshot = await udf.SnapshotAsync();
                    udf = UdfTestHarness.Start(ctx => new MovingAverageUdf(ctx));
                    await udf.InitAsync(".field('value')", ".size(3)");
                    (await udf.RestoreAsync(snapshot)).Success.Should().BeTrue();
                }

                await udf.SendPointAsync(Grouped(i % 2 == 0 ? "a" : "b", i * Second).SetField("value", values[i]));
            }

            averages.AddRange((await udf.ReadOutputAsync()).Points.Select(p => p.FieldsDouble["avg"]));
            return averages;
        }
        finally
        {
            await first.DisposeAsync();
            if (udf != first)
            {
                await udf.DisposeAsync();
            }
        }
    }
}
