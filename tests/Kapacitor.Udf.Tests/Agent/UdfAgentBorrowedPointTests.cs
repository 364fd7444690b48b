using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Agent;

public class UdfAgentBorrowedPointTests
{
    [Fact]
    public async Task PointAsync_BorrowingHandler_ReceivesReusedPointsWithEveryValueIntact()
    {
        var seen = new HashSet<Point>(ReferenceEqualityComparer.Instance);
        await using var harness = UdfTestHarness.Start(ctx => new BorrowingEcho(ctx, seen));
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();

        for (var i = 0; i < 2000; i++)
        {
            var request = Requests.Point(i, i * 0.25, group: $"g{i % 3}");
            request.Point.Tags[$"k{i % 5}"] = $"v{i}";
            await harness.SendAsync(request);
            var echoed = (await harness.ReadAsync()).Point;
            echoed.Should().Be(request.Point);
        }

        seen.Count.Should().BeLessThan(100, "point objects are reused once the handler has returned");
    }

    [Fact]
    public async Task PointAsync_OwningHandler_ReceivesANewPointEachTime()
    {
        var seen = new HashSet<Point>(ReferenceEqualityComparer.Instance);
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx)
        {
            OnPoint = p =>
            {
                seen.Add(p);
                return ctx.EmitPointAsync(p);
            },
        });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();

        for (var i = 0; i < 50; i++)
        {
            await harness.SendAsync(Requests.Point(i));
        }

        harness.CompleteInput();
        (await harness.ReadToEndAsync()).Should().HaveCount(50);
        seen.Should().HaveCount(50);
    }

    private sealed class BorrowingEcho(UdfHandlerContext context, HashSet<Point> seen) : IUdfHandler
    {
        public PointOwnership PointOwnership => PointOwnership.Borrowed;

        public ValueTask<InfoResponse> InfoAsync() => ValueTask.FromResult(new InfoResponse());

        public ValueTask<InitResponse> InitAsync(InitRequest request) => ValueTask.FromResult(new InitResponse { Success = true });

        public ValueTask PointAsync(Point point)
        {
            seen.Add(point);
            return context.EmitPointAsync(point);
        }
    }
}
