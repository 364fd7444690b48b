using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kapacitor.Udf.Agent;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;

namespace Kapacitor.Udf.Tests.Authoring;

// The samples of docs/writing-a-udf.md, compiled and run, so the page cannot drift from the API.
public sealed class ScaleOptions
{
    public required string Field { get; init; }        // .field('value')

    [Range(0.0, double.PositiveInfinity)]
    public double Factor { get; init; } = 1;           // .factor(2.0)
}

public static class ScaleUdf
{
    public static Func<UdfContext, IUdfHandler> Handler { get; } = Udf.Stream<ScaleOptions>((ctx, p) =>
        p.CreateOutput().SetField("scaled", p.GetDouble(ctx.Options.Field) * ctx.Options.Factor));
}

public class ScaleTests
{
    [Fact]
    public async Task Point_IsScaledByTheFactor()
    {
        await using var udf = UdfTestHarness.Start(ScaleUdf.Handler);
        (await udf.InitAsync(".field('value')", ".factor(2.0)")).Success.Should().BeTrue();

        await udf.SendPointAsync(TestPoint.Stream("cpu", time: 0).SetField("value", 21.0));

        (await udf.ReadOutputAsync()).Points.Single().FieldsDouble["scaled"].Should().Be(42);
    }
}

public sealed class ThresholdOptions
{
    public required string Field { get; init; }

    public required double Above { get; init; }
}

// The base-class form of a stream UDF with per-group state kept in snapshots.
public sealed class CountAbove : StreamUdf<ThresholdOptions>
{
    private readonly GroupState<Counter> _counts = new(_ => new Counter());

    public CountAbove(UdfContext context)
        : base(context) =>
        UseSnapshots<IReadOnlyDictionary<string, Counter>>(version: 1, CountAboveJson.Default, save: () => _counts, restore: _counts.Load);

    protected override ValueTask OnPointAsync(Point point)
    {
        var counter = _counts.For(point);
        if (point.GetDouble(Options.Field) > Options.Above)
        {
            counter.Count++;
        }

        return EmitAsync(point.CreateOutput().SetField("above", counter.Count));
    }

    public sealed class Counter
    {
        public long Count { get; set; }
    }
}

// The snapshot's JSON metadata, generated at compile time (a native executable cannot reflect).
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(IReadOnlyDictionary<string, CountAbove.Counter>))]
[JsonSerializable(typeof(CountAbove.Counter))]
internal sealed partial class CountAboveJson : JsonSerializerContext;

public class CountAboveTests
{
    [Fact]
    public async Task Count_SurvivesARestart()
    {
        Google.Protobuf.ByteString snapshot;
        await using (var before = UdfTestHarness.Start(ctx => new CountAbove(ctx)))
        {
            await before.InitAsync(".field('v')", ".above(10.0)");
            await before.SendPointAsync(new Point { Group = "host=a" }.SetField("v", 11.0));
            snapshot = await before.SnapshotAsync();
        }

        await using var after = UdfTestHarness.Start(ctx => new CountAbove(ctx));
        await after.InitAsync(new ThresholdOptions { Field = "v", Above = 10 });
        (await after.RestoreAsync(snapshot)).Success.Should().BeTrue();
        await after.SendPointAsync(new Point { Group = "host=a" }.SetField("v", 12.0));

        (await after.ReadOutputAsync()).Points.Single().FieldsInt["above"].Should().Be(2);
    }
}

// The batch → batch form: the points above the batch's mean, as a batch that keeps the input's group.
public sealed class AboveMean(UdfContext context) : BatchUdf<NoOptions>(context)
{
    protected override ValueTask OnBatchAsync(Batch batch)
    {
        var sum = 0.0;
        foreach (var point in batch.Points)
        {
            sum += point.GetDouble("value");
        }

        var output = batch.Reply();
        foreach (var point in batch.Points)
        {
            if (point.GetDouble("value") > sum / batch.Count)
            {
                output.Add(point);
            }
        }

        return EmitAsync(output);
    }
}

public class AboveMeanTests
{
    [Fact]
    public async Task Batch_KeepsThePointsAboveTheMean()
    {
        await using var udf = UdfTestHarness.Start(ctx => new AboveMean(ctx));
        await udf.InitAsync();

        await udf.SendBatchAsync("cpu", tmax: 60_000_000_000, points: [new Point { Time = 1 }.SetField("value", 1.0), new Point { Time = 2 }.SetField("value", 3.0)]);

        var batch = (await udf.ReadOutputAsync()).Batches.Single();
        batch.Points.Select(p => p.Time).Should().Equal(2);
        batch.End.Tmax.Should().Be(60_000_000_000);
    }
}

public class OneFileSampleTests
{
    // The "One-file UDFs" sample, as the factory it passes to UdfHost.RunAsync.
    private static readonly Func<UdfContext, IUdfHandler> CountAboveFunction = Udf.Stream<ThresholdOptions>(
        init: ctx => ctx.Logger.Information("counting {Field} above {Above}", ctx.Options.Field, ctx.Options.Above),
        point: (ctx, p) =>
        {
            var counter = ctx.Store.GetOrAdd(p.Group, static _ => new CountAbove.Counter());
            counter.Count += p.GetDouble(ctx.Options.Field) > ctx.Options.Above ? 1 : 0;
            return p.CreateOutput().SetField("above", counter.Count);
        },
        storeTypes: CountAboveJson.Default);

    [Fact]
    public async Task Points_AreCountedPerGroup()
    {
        await using var udf = UdfTestHarness.Start(CountAboveFunction);
        await udf.InitAsync(".field('v')", ".above(1.0)");

        await udf.SendPointsAsync([new Point { Group = "a" }.SetField("v", 2.0), new Point { Group = "b" }.SetField("v", 0.0), new Point { Group = "a" }.SetField("v", 3.0)]);

        (await udf.ReadOutputAsync()).Points.Select(p => p.FieldsInt["above"]).Should().Equal(1, 0, 2);
    }
}
