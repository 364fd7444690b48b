using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Testing;

public class UdfTestHarnessFluentTests
{
    [Fact]
    public async Task InitAsync_TickCalls_SendsKapacitorsOptionsWithTaskAndNode()
    {
        InitRequest? received = null;
        var factoryCalls = 0;
        await using var udf = UdfTestHarness.Start(ctx =>
        {
            factoryCalls++;
            return new TestHandler(ctx)
            {
                Info = new InfoResponse { Options = { ["size"] = new OptionInfo { ValueTypes = { Protocol.ValueType.Int } } } },
                OnInit = r =>
                {
                    received = r;
                    return ValueTask.FromResult(new InitResponse { Success = true });
                },
            };
        });

        (await udf.InitAsync(".size(3)", "size(4)")).Success.Should().BeTrue();

        received!.TaskID.Should().Be(UdfTestHarness.TaskId);
        received.NodeID.Should().Be(UdfTestHarness.NodeId);
        received.Options.Select(o => o.Values.Single().IntValue).Should().Equal(3, 4);
        factoryCalls.Should().Be(1, "Info is asked on the same connection");
    }

    [Fact]
    public async Task InitAsync_TypedOptions_SendsTheirOptions()
    {
        InitRequest? received = null;
        await using var udf = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnInit = r =>
            {
                received = r;
                return ValueTask.FromResult(new InitResponse { Success = true });
            },
        });

        await udf.InitAsync(new Opts { Tag = ["a", "b"], Size = 2 });

        received!.Options.Select(o => o.Name).Should().Equal("size", "tag", "tag");
    }

    [Fact]
    public async Task SnapshotAsync_DataEmittedBeforeIt_IsKeptForTheNextRead()
    {
        await using var udf = UdfTestHarness.Start(ctx => new TestHandler(ctx));
        await udf.InitAsync(new InitRequest());
        await udf.SendPointsAsync([new Point { Time = 1 }, new Point { Time = 2 }]);

        (await udf.SnapshotAsync()).IsEmpty.Should().BeTrue();
        (await udf.KeepaliveAsync(77)).Should().Be(77);
        await udf.SendPointAsync(new Point { Time = 3 });

        (await udf.ReadOutputAsync()).Points.Select(p => p.Time).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task ReadOutputAsync_NothingEmitted_IsEmptyRatherThanATimeout()
    {
        await using var udf = UdfTestHarness.Start(ctx => new TestHandler(ctx) { OnPoint = _ => ValueTask.CompletedTask });
        await udf.InitAsync(new InitRequest());
        await udf.SendPointAsync(new Point());

        var output = await udf.ReadOutputAsync();

        output.Responses.Should().BeEmpty();
        output.Error.Should().BeNull();
    }

    [Fact]
    public async Task ReadOutputAsync_AfterAFailure_ReportsTheError()
    {
        await using var udf = UdfTestHarness.Start(ctx => new TestHandler(ctx) { OnPoint = _ => throw new InvalidOperationException("bad point") });
        await udf.InitAsync(new InitRequest());
        await udf.SendPointAsync(new Point());

        (await udf.ReadOutputAsync()).Error.Should().Be("Point: InvalidOperationException: bad point");
    }

    [Fact]
    public async Task SnapshotAsync_UdfFailedFirst_ThrowsWithTheError()
    {
        await using var udf = UdfTestHarness.Start(ctx => new TestHandler(ctx) { OnPoint = _ => throw new InvalidOperationException("bad point") });
        await udf.InitAsync(new InitRequest());
        await udf.SendPointAsync(new Point());

        var snapshot = () => udf.SnapshotAsync();

        (await snapshot.Should().ThrowAsync<UdfFailedException>()).Which.Error.Should().Be("Point: InvalidOperationException: bad point");
    }

    [Fact]
    public async Task SendBatchAsync_LikeKapacitor_StripsPointsAndLeavesEndByNameUnset()
    {
        var received = new List<Request>();
        await using var udf = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            Info = new InfoResponse { Wants = EdgeType.Batch, Provides = EdgeType.Batch },
            OnBegin = b =>
            {
                received.Add(new Request { Begin = b });
                return ValueTask.CompletedTask;
            },
            OnPoint = p =>
            {
                received.Add(new Request { Point = p });
                return ValueTask.CompletedTask;
            },
            OnEnd = e =>
            {
                received.Add(new Request { End = e });
                return ValueTask.CompletedTask;
            },
        });
        await udf.InitAsync(new InitRequest());
        var full = TestPoint.Stream("cpu", 5, new Dictionary<string, string> { ["host"] = "a" }, ["host"], byName: true).SetField("v", 1.0);

        await udf.SendBatchAsync("cpu", 10, [full], new Dictionary<string, string> { ["host"] = "a" }, byName: true);
        await udf.ReadOutputAsync();

        received[0].Begin.Should().Be(new BeginBatch { Name = "cpu", Group = "cpu\nhost=a", Tags = { ["host"] = "a" }, Size = 1, ByName = true });
        received[1].Point.Should().Be(new Point { Time = 5, Group = "cpu\nhost=a", Tags = { ["host"] = "a" }, FieldsDouble = { ["v"] = 1.0 } });
        received[2].End.Should().Be(new EndBatch { Name = "cpu", Group = "cpu\nhost=a", Tags = { ["host"] = "a" }, Tmax = 10 });
        full.Name.Should().Be("cpu", "the caller's point is not changed");
    }

    [Fact]
    public async Task EndInputAsync_ReturnsTheRestAndHowTheRunEnded()
    {
        await using var udf = UdfTestHarness.Start(ctx => new TestHandler(ctx));
        await udf.InitAsync(new InitRequest());
        await udf.SendPointAsync(new Point { Time = 8 });

        var output = await udf.EndInputAsync();

        output.Points.Single().Time.Should().Be(8);
        output.Result.Should().Be(UdfAgentResult.Success);
    }

    [Fact]
    public async Task ReadAsync_AfterFluentCalls_StillSeesEveryResponseInOrder()
    {
        await using var udf = UdfTestHarness.Start(ctx => new TestHandler(ctx));
        await udf.InitAsync(new InitRequest());
        await udf.SendPointAsync(new Point { Time = 1 });
        await udf.SnapshotAsync();

        (await udf.ReadAsync()).Point.Time.Should().Be(1, "the point read while waiting for the snapshot was held");
        await udf.SendAsync(new Request { Keepalive = new KeepaliveRequest { Time = 5 } });
        (await udf.ReadFrameOrEndAsync()).Should().Equal(0x04, 0x1a, 0x02, 0x08, 0x05);
    }

    [Fact]
    public void TestPoint_Stream_HasKapacitorsGroupAndSortedDimensions()
    {
        var point = TestPoint.Stream("cpu", 1, new Dictionary<string, string> { ["host"] = "a", ["dc"] = "x" }, ["host", "dc"]);

        point.Group.Should().Be("dc=x,host=a");
        point.Dimensions.Should().Equal("dc", "host");
        TestPoint.Stream("cpu", 1, byName: true).Group.Should().Be("cpu");
        TestPoint.Stream("cpu", 1, new Dictionary<string, string> { ["host"] = "a" }, ["host"], byName: true).Group.Should().Be("cpu\nhost=a");
    }

    public sealed class Opts
    {
        public int Size { get; set; }

        public List<string> Tag { get; set; } = [];
    }
}
