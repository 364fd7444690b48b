using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Server;

/// <summary>Memory returns when connections close (issue 12): nothing (timer, sweeper registration, handler thread)
/// keeps a closed connection's agent reachable while the server runs on.</summary>
public sealed class UdfServerMemoryTests : IDisposable
{
    private readonly SocketDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Connections_Closed_EveryAgentIsCollected()
    {
        // Arrange
        var agents = new List<WeakReference>();
        await using var server = new UdfServer(_directory.PathOf("udf.sock"), ctx =>
        {
            lock (agents)
            {
                agents.Add(new WeakReference(ctx.Agent));
            }

            return new TestHandler(ctx);
        });
        server.Start();

        // Act: twenty task connections run, answer and close while the server carries on.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async n =>
        {
            await using var client = await UdfSocketClient.ConnectAsync(server.SocketPath);
            await client.SendAsync(Requests.Init($"task{n}"));
            (await client.ReadAsync()).Init.Success.Should().BeTrue();
            await client.SendAsync(Requests.Point(n));
            (await client.ReadAsync()).Point.Time.Should().Be(n);
            client.HalfClose();
            (await client.ReadToEndAsync()).Should().BeEmpty();
        }));
        await Eventually.TrueAsync(() => server.ActiveConnections == 0, "every connection released");

        // Assert: a few collections, in case a last continuation of a closed socket is still on its way.
        for (var attempt = 0; attempt < 20 && agents.Any(a => a.IsAlive); attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            await Task.Delay(50);
        }

        agents.Should().HaveCount(20);
        agents.Should().OnlyContain(a => !a.IsAlive, "a closed connection's agent must not stay reachable");
    }
}
