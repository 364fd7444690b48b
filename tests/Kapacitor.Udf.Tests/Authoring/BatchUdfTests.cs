using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;

namespace Kapacitor.Udf.Tests.Authoring;

public class BatchUdfTests
{
    private static readonly Dictionary<string, string> HostA = new() { ["host"] = "a" };

    [Fact]
    public async Task OnBatch_WholeBatch_ArrivesAsOneObjectWithBeginMetadata()
    {
        var seen = new List<Batch>();
        await using var udf = UdfTestHarness.Start(ctx => new Recording(ctx, seen));
        (await udf.InfoAsync()).Wants.Should().Be(EdgeType.Batch);
        await udf.InitAsync();

        await udf.SendBatchAsync("cpu", 100, [new Point { Time = 1 }.SetField("v", 1.0), new Point { Time = 2 }], HostA, byName: true);
        await udf.ReadOutputAsync();

        var batch = seen.Should().ContainSingle().Subject;
        batch.Name.Should().Be("cpu");
        batch.Group.Should().Be("cpu\nhost=a");
        batch.ByName.Should().BeTrue("taken from Begin: Kapacitor's End never sets it");
        batch.End.ByName.Should().BeFalse();
        batch.Tmax.Should().Be(100);
        batch.Points.Select(p => p.Time).Should().Equal(1, 2);
        batch.Points[0].Name.Should().BeEmpty("the test kit sends batch points as Kapacitor does");
    }

    [Fact]
    public async Task OnBatch_EmptyBatch_IsDeliveredAndAnsweredWithAnEmptyBatch()
    {
        // Requirement 20: begin(size 0) then end.
        var seen = new List<Batch>();
        await using var udf = UdfTestHarness.Start(ctx => new Recording(ctx, seen));
        await udf.InitAsync();

        await udf.SendBatchAsync("cpu", 5, [], HostA);

        var output = (await udf.ReadOutputAsync()).Batches.Should().ContainSingle().Subject;
        seen.Single().Count.Should().Be(0);
        output.Begin.Size.Should().Be(0);
        output.End.Tmax.Should().Be(5);
    }

    [Fact]
    public async Task EmitAsync_CreateOutput_EchoesTheInputAndSetsTheRealSize()
    {
        // Requirements 21-22: Begin/points/End, size = real count, End echoed (name, tags, tmax).
        await using var udf = UdfTestHarness.Start(ctx => new Recording(ctx, []));
        await udf.InitAsync();
        var begin = new BeginBatch { Name = "cpu", Group = "host=a", Tags = { ["host"] = "a" }, Size = 99 };
        var end = new EndBatch { Name = "cpu", Group = "host=a", Tags = { ["host"] = "a" }, Tmax = 7 };

        await udf.SendBatchAsync(begin, [new Point { Time = 1 }, new Point { Time = 2 }, new Point { Time = 3 }], end);

        var output = (await udf.ReadOutputAsync()).Batches.Single();
        output.Begin.Should().Be(new BeginBatch(begin) { Size = 2 });
        output.End.Should().Be(end);
        output.Points.Select(p => p.Time).Should().Equal(1, 3);
    }

    [Fact]
    public async Task OnBatch_KeptBatches_AreNotReusedByTheNextOne()
    {
        var seen = new List<Batch>();
        await using var udf = UdfTestHarness.Start(ctx => new Recording(ctx, seen));
        await udf.InitAsync();

        await udf.SendBatchAsync("cpu", 1, [new Point { Time = 1 }]);
        await udf.SendBatchAsync("cpu", 2, [new Point { Time = 2 }, new Point { Time = 3 }]);
        await udf.ReadOutputAsync();

        seen.Select(b => b.Points.Count).Should().Equal(1, 2);
        seen[0].Points[0].Time.Should().Be(1);
    }

    [Fact]
    public async Task Point_OnABatchUdfOutsideABatch_IsAProtocolError()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Recording(ctx, []));
        await udf.InitAsync();

        await udf.SendPointAsync(new Point());

        (await udf.EndInputAsync()).Result!.Reason.Should().Be(UdfFailureReason.ProtocolViolation);
    }

    // Keeps every batch and answers with its odd-time points.
    private sealed class Recording(UdfHandlerContext context, List<Batch> seen) : BatchUdf<NoOptions>(context)
    {
        protected override ValueTask OnBatchAsync(Batch batch)
        {
            seen.Add(batch);
            var output = batch.CreateOutput();
            foreach (var point in batch.Points)
            {
                if (point.Time % 2 == 1)
                {
                    output.Add(point);
                }
            }

            return EmitAsync(output);
        }
    }
}
