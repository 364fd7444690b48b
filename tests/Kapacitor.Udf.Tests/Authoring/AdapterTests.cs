using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;

namespace Kapacitor.Udf.Tests.Authoring;

public class AdapterTests
{
    private const long Second = 1_000_000_000;

    [Fact]
    public async Task StreamToBatch_Info_WantsStreamProvidesBatch()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Windowed(ctx, BatchWindow.ByCount(2)));

        var info = await udf.InfoAsync();

        (info.Wants, info.Provides).Should().Be((EdgeType.Stream, EdgeType.Batch));
    }

    [Fact]
    public async Task StreamToBatch_ByCount_CutsEachGroupSeparately()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Windowed(ctx, BatchWindow.ByCount(3)));
        await udf.InitAsync();
        for (var t = 0; t < 7; t++)
        {
            await udf.SendPointAsync(Host("a", t * Second));
            await udf.SendPointAsync(Host("b", t * Second));
        }

        var batches = (await udf.ReadOutputAsync()).Batches;

        batches.Select(b => (b.End.Group, b.Count, b.Tmax)).Should().Equal(
            ("host=a", 3, 2 * Second), ("host=b", 3, 2 * Second), ("host=a", 3, 5 * Second), ("host=b", 3, 5 * Second));
        batches[0].Begin.Should().Be(new BeginBatch { Name = "cpu", Group = "host=a", Tags = { ["host"] = "a" }, Size = 3 });
        batches[0].End.Tags.Should().Equal(new Dictionary<string, string> { ["host"] = "a" }, "only the group's dimensions, not all tags");
        (await udf.EndInputAsync()).Batches.Should().BeEmpty("the partial batches of 1 point are not emitted");
    }

    [Fact]
    public async Task StreamToBatch_ByPeriod_CutsAlignedWindowsWhenALaterPointArrives()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Windowed(ctx, BatchWindow.ByPeriod(TimeSpan.FromSeconds(10))));
        await udf.InitAsync();

        foreach (var t in new[] { 3, 5, 9, 12, 11, 31 })
        {
            await udf.SendPointAsync(Host("a", t * Second));
        }

        var batches = (await udf.ReadOutputAsync()).Batches;
        batches.Select(b => b.Tmax).Should().Equal(10 * Second, 20 * Second);
        batches.Select(b => b.Points.Select(p => p.Time / Second)).Should().BeEquivalentTo(
            new[] { new long[] { 3, 5, 9 }, [12, 11] }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task StreamToBatch_ByPeriodBeforeTheEpoch_AlignsDownwards()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Windowed(ctx, BatchWindow.ByPeriod(10 * Second)));
        await udf.InitAsync();

        await udf.SendPointsAsync([Host("a", -15 * Second), Host("a", -11 * Second), Host("a", -10 * Second)]);

        (await udf.ReadOutputAsync()).Batches.Single().Tmax.Should().Be(-10 * Second);
    }

    [Fact]
    public async Task StreamToBatch_CutFromOptions_IsReadAfterInit()
    {
        await using var udf = UdfTestHarness.Start(ctx => new WindowedByOption(ctx));
        await udf.InitAsync(".every(2)");

        await udf.SendPointsAsync([Host("a", 1), Host("a", 2)]);

        (await udf.ReadOutputAsync()).Batches.Single().Count.Should().Be(2);
    }

    [Fact]
    public async Task BatchToStream_EachPoint_BecomesAStreamPointOfTheBatchsGroup()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Exploded(ctx));
        var info = await udf.InfoAsync();
        (info.Wants, info.Provides).Should().Be((EdgeType.Batch, EdgeType.Stream));
        await udf.InitAsync();

        await udf.SendBatchAsync(
            "cpu",
            10,
            [new Point { Time = 1, Tags = { ["host"] = "a", ["core"] = "0" } }.SetField("v", 1.0), new Point { Time = 2, Tags = { ["host"] = "a", ["core"] = "1" } }.SetField("v", 2.0)],
            new Dictionary<string, string> { ["host"] = "a" });

        var points = (await udf.ReadOutputAsync()).Points;
        points.Should().HaveCount(2);
        points[1].Should().Be(new Point
        {
            Time = 2,
            Name = "cpu",
            Group = "host=a",
            Dimensions = { "host" },
            Tags = { ["host"] = "a", ["core"] = "1" },
            FieldsDouble = { ["v"] = 2.0 },
        });
    }

    private static Point Host(string host, long time) =>
        TestPoint.Stream("cpu", time, new Dictionary<string, string> { ["host"] = host, ["dc"] = "x" }, ["host"]).SetField("v", 1.0);

    private sealed class Windowed(UdfHandlerContext context, BatchWindow cut) : StreamToBatchUdf<NoOptions>(context)
    {
        protected override BatchWindow Cut => cut;

        protected override ValueTask OnBatchAsync(Batch batch) => EmitAsync(batch.CreateOutput().AddRange(batch.Points));
    }

    public sealed class EveryOptions
    {
        public required int Every { get; init; }
    }

    private sealed class WindowedByOption(UdfHandlerContext context) : StreamToBatchUdf<EveryOptions>(context)
    {
        protected override BatchWindow Cut => BatchWindow.ByCount(Options.Every);

        protected override ValueTask OnBatchAsync(Batch batch) => EmitAsync(batch.CreateOutput().AddRange(batch.Points));
    }

    private sealed class Exploded(UdfHandlerContext context) : BatchToStreamUdf<NoOptions>(context)
    {
        protected override async ValueTask OnBatchAsync(Batch batch)
        {
            foreach (var point in batch.Points)
            {
                await EmitAsync(batch.ToStreamPoint(point));
            }
        }
    }
}
