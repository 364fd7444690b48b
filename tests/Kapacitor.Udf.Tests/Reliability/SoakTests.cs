using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Hosting;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Reliability;

/// <summary>Nothing lost under load (issue 6): every point mirrored back equal and in order, through the real
/// executable, in process mode and over 20 concurrent socket connections. N from KAPACITOR_UDF_SOAK_POINTS
/// (default 20000 for CI; ≥ 1000000 by hand, see RELIABILITY.md).</summary>
[Collection(ProcessCollection.Name)]
public sealed class SoakTests : IDisposable
{
    private const int Connections = 20;
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(5);
    private readonly SocketDirectory _directory = new();

    private static int Points => int.TryParse(Environment.GetEnvironmentVariable("KAPACITOR_UDF_SOAK_POINTS"), out var n) ? n : 20000;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ProcessMode_ManyVariedPoints_EveryPointBackEqualAndInOrder()
    {
        var seed = Environment.TickCount;
        var points = VariedPoints(seed, Points);
        await using var udf = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: true, null, "--udf", "faulty");
        await using var client = UdfSocketClient.ForProcess(udf.Process);

        var echoes = await MirrorAsync(client, points).WaitAsync(HangGuard);

        echoes.Should().Equal(points, $"seed {seed}: every point comes back unchanged, in order");
        (await udf.WaitForExitAsync()).Should().Be(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ProcessMode_EofAfterARandomNumberOfPoints_DrainsEveryAcceptedPoint(int run)
    {
        // EOF at any frame boundary while answers are still in flight: whatever was accepted comes back, then exit 0.
        var seed = Environment.TickCount + run;
        var points = VariedPoints(seed, new Random(seed).Next(0, Math.Min(Points, 5000) + 1));
        await using var udf = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: true, null, "--udf", "faulty");
        await using var client = UdfSocketClient.ForProcess(udf.Process);

        var echoes = await MirrorAsync(client, points).WaitAsync(HangGuard);

        echoes.Should().Equal(points, $"seed {seed}: EOF after {points.Count} points drains all of them");
        (await udf.WaitForExitAsync()).Should().Be(0);
    }

    [Fact]
    public async Task SocketMode_TwentyConcurrentConnections_EveryPointBackOnItsOwnConnection()
    {
        var seed = Environment.TickCount;
        var path = _directory.PathOf("soak.sock");
        await using var server = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: false, null, "--socket", $"faulty={path}");
        await server.WaitForStderrAsync("Listening on");

        var runs = Enumerable.Range(0, Connections).Select(async c =>
        {
            var points = VariedPoints(seed + c, Math.Max(1, Points / Connections));
            await using var client = await UdfSocketClient.ConnectAsync(path);
            var echoes = await MirrorAsync(client, points);
            echoes.Should().Equal(points, $"seed {seed + c}, connection {c}");
        });

        await Task.WhenAll(runs).WaitAsync(HangGuard);
    }

    // Sends concurrently with reading, as Kapacitor does, then closes the input: EOF drains everything accepted.
    private static async Task<List<Point>> MirrorAsync(UdfSocketClient client, IReadOnlyList<Point> points)
    {
        await client.SendAsync(Requests.Init());
        (await client.ReadAsync()).Init.Success.Should().BeTrue();
        var send = Task.Run(async () =>
        {
            foreach (var chunk in points.Chunk(500))
            {
                await client.SendAsync(chunk.Select(p => new Request { Point = p }));
            }

            client.HalfClose();
        });

        var echoes = new List<Point>(points.Count);
        while (await client.ReadOrEndAsync() is { } response)
        {
            echoes.Add(response.Point);
        }

        await send;
        return echoes;
    }

    private static List<Point> VariedPoints(int seed, int count)
    {
        var random = new Random(seed);
        var points = new List<Point>(count);
        for (var i = 0; i < count; i++)
        {
            var point = new Point { Name = "soak", Database = "db", RetentionPolicy = "rp", Time = i };
            for (var t = random.Next(0, 4); t > 0; t--)
            {
                point.Tags[$"tag{t}"] = $"v{random.Next(100)}";
            }

            point.FieldsDouble["value"] = random.NextDouble();
            point.FieldsInt["count"] = random.NextInt64();
            point.FieldsBool["ok"] = random.Next(2) == 0;
            // Now and then a large point with a long string.
            point.FieldsString["text"] = i % 1000 == 0 ? new string('x', 32 * 1024) : $"s{random.Next()}";
            points.Add(point);
        }

        return points;
    }
}
