using System.ComponentModel.DataAnnotations;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Tests.Support;
using Serilog.Events;

namespace Kapacitor.Udf.Tests.Authoring;

public class UdfFunctionTests
{
    [Fact]
    public async Task Stream_ReturningAPoint_EmitsItAndNullEmitsNothing()
    {
        await using var udf = UdfTestHarness.Start(UdfFunction.Stream((_, p) => p.Time % 2 == 0 ? p : null));
        await udf.InitAsync();

        await udf.SendPointsAsync([new Point { Time = 1 }, new Point { Time = 2 }, new Point { Time = 4 }]);

        (await udf.ReadOutputAsync()).Points.Select(p => p.Time).Should().Equal(2, 4);
    }

    [Fact]
    public async Task Stream_EmittingThroughTheContext_CanEmitSeveral()
    {
        await using var udf = UdfTestHarness.Start(UdfFunction.Stream(async (ctx, p) =>
        {
            await ctx.EmitAsync(p);
            await ctx.EmitAsync(p.CreateOutput().SetField("copy", true));
        }));
        await udf.InitAsync();

        await udf.SendPointAsync(new Point { Time = 9 });

        (await udf.ReadOutputAsync()).Points.Should().HaveCount(2);
    }

    [Fact]
    public async Task Init_RunsOnceWithOptionsLoggerAndIds()
    {
        var inits = new List<string>();
        await using var udf = UdfTestHarness.Start(UdfFunction.Stream<Threshold>(
            init: ctx =>
            {
                ctx.Logger.Should().NotBeNull();
                inits.Add($"{ctx.TaskId}/{ctx.NodeId}/{ctx.Options.Field}>{ctx.Options.Above}");
            },
            point: (ctx, p) => p.GetDouble(ctx.Options.Field) > ctx.Options.Above ? p : null));

        (await udf.InitAsync(".field('v')", ".above(1.5)")).Success.Should().BeTrue();
        await udf.SendPointsAsync([new Point { Time = 1 }.SetField("v", 1.0), new Point { Time = 2 }.SetField("v", 2.0)]);

        (await udf.ReadOutputAsync()).Points.Single().Time.Should().Be(2);
        inits.Should().Equal("test-task/udf1/v>1.5");
    }

    [Fact]
    public async Task Init_InvalidOptions_AreAnsweredLikeTheBaseClasses()
    {
        await using var udf = UdfTestHarness.Start(UdfFunction.Stream<Threshold>((_, p) => p));

        (await udf.InitAsync(".above(-1.0)")).Error.Should().Be(".field is required: add .field('value'); .above(-1.0) is invalid: it must be at least 0.0");
    }

    [Fact]
    public async Task Store_SurvivesASnapshotAndARestoreInANewConnection()
    {
        static Func<UdfHandlerContext, IUdfHandler> Counting() => UdfFunction.Stream((ctx, p) =>
        {
            var counter = ctx.Store.GetOrAdd(p.Group, static _ => new Tally());
            counter.Count++;
            return p.SetField("count", counter.Count);
        }, storeTypes: TestJson.Default);

        Google.Protobuf.ByteString snapshot;
        await using (var first = UdfTestHarness.Start(Counting()))
        {
            await first.InitAsync();
            await first.SendPointsAsync([new Point { Group = "a" }, new Point { Group = "a" }, new Point { Group = "b" }]);
            snapshot = await first.SnapshotAsync();
        }

        await using var second = UdfTestHarness.Start(Counting());
        await second.InitAsync();
        (await second.RestoreAsync(snapshot)).Success.Should().BeTrue();
        await second.SendPointsAsync([new Point { Group = "a" }, new Point { Group = "b" }]);

        (await second.ReadOutputAsync()).Points.Select(p => p.FieldsInt["count"]).Should().Equal(3, 2);
    }

    [Fact]
    public async Task Store_Empty_SnapshotsAsZeroBytes()
    {
        await using var udf = UdfTestHarness.Start(UdfFunction.Stream((_, p) => p));
        await udf.InitAsync();

        (await udf.SnapshotAsync()).IsEmpty.Should().BeTrue();
    }

    [Fact]
    public async Task Store_SnapshotOfAnotherStateVersion_IsDiscardedWithAWarning()
    {
        var log = new CollectingLogger();
        Google.Protobuf.ByteString snapshot;
        await using (var first = UdfTestHarness.Start(UdfFunction.Stream(init: ctx => ctx.Store.Set("k", 1), point: (_, p) => p)))
        {
            await first.InitAsync();
            snapshot = await first.SnapshotAsync();
        }

        await using var second = UdfTestHarness.Start(
            UdfFunction.Stream((ctx, p) => p.SetField("has", ctx.Store.ContainsKey("k")), stateVersion: 2),
            new UdfAgentOptions { Logger = log.Logger });
        await second.InitAsync();
        (await second.RestoreAsync(snapshot)).Success.Should().BeTrue();
        await second.SendPointAsync(new Point());

        (await second.ReadOutputAsync()).Points.Single().FieldsBool["has"].Should().BeFalse();
        log.Messages(LogEventLevel.Warning).Should().ContainSingle(m => m.Contains("format version 1 and this UDF reads version 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Batch_ReturningABuilder_EmitsIt()
    {
        await using var udf = UdfTestHarness.Start(UdfFunction.Batch<NoOptions>((_, b) => b.CreateOutput().AddRange(b.Points.Where(p => p.Time > 1))));
        (await udf.InfoAsync()).Wants.Should().Be(EdgeType.Batch);
        await udf.InitAsync();

        await udf.SendBatchAsync("cpu", 3, [new Point { Time = 1 }, new Point { Time = 2 }]);

        (await udf.ReadOutputAsync()).Batches.Single().Points.Select(p => p.Time).Should().Equal(2);
    }

    [Fact]
    public async Task Batch_EmittingThroughTheContext_CanSplitABatch()
    {
        await using var udf = UdfTestHarness.Start(UdfFunction.Batch<NoOptions>(async (ctx, b) =>
        {
            foreach (var point in b.Points)
            {
                await ctx.EmitAsync(b.CreateOutput().Add(point));
            }
        }));
        await udf.InitAsync();

        await udf.SendBatchAsync("cpu", 3, [new Point { Time = 1 }, new Point { Time = 2 }]);

        (await udf.ReadOutputAsync()).Batches.Select(b => b.Count).Should().Equal(1, 1);
    }

    [Fact]
    public async Task Stream_EmittingABatch_FailsWithTheEdgeTypeInTheMessage()
    {
        await using var udf = UdfTestHarness.Start(UdfFunction.Stream(async (ctx, p) => await ctx.EmitAsync(new BatchBuilder("x", null, 0))));
        await udf.InitAsync();

        await udf.SendPointAsync(new Point());

        var output = await udf.EndInputAsync();

        output.Result!.Reason.Should().Be(UdfFailureReason.HandlerFailed);
        output.Error.Should().Be("Point: InvalidOperationException: this UDF provides STREAM: emit points with EmitPointAsync");
    }

    public sealed class Threshold
    {
        public required string Field { get; init; }

        [Range(0.0, double.PositiveInfinity)]
        public double Above { get; init; }
    }

    public sealed class Tally
    {
        public long Count { get; set; }
    }
}
