using System.Diagnostics;
using Kapacitor.Udf.Tests.Hosting;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Reliability;

/// <summary>Process mode keeps its guarantee (issue 12): STDIN, STDOUT, the handler, flushes and keepalive answers never
/// need the thread pool, so user code that blocks every pool thread delays none of them.</summary>
[Collection(ProcessCollection.Name)]
public sealed class StarvedThreadPoolProcessTests
{
    [Fact]
    public async Task ProcessMode_EveryPoolThreadBlocked_KeepalivesWithinOneSecondAndPointsStillAnswered()
    {
        // Arrange: from Init on, the handler's process keeps every thread-pool thread blocked.
        await using var udf = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: true, null, "--udf", "faulty");
        await using var client = UdfSocketClient.ForProcess(udf.Process);
        await client.SendAsync(Requests.FaultyInit("starve", faultAfter: -1));
        (await client.ReadAsync()).Init.Success.Should().BeTrue();

        // Act
        var roundTrips = new List<TimeSpan>();
        for (var k = 1; k <= 5; k++)
        {
            var sent = Stopwatch.GetTimestamp();
            await client.SendAsync(Requests.Keepalive(k));
            (await client.ReadAsync()).Keepalive.Time.Should().Be(k);
            roundTrips.Add(Stopwatch.GetElapsedTime(sent));
            await client.SendAsync(Requests.Point(k));
            (await client.ReadAsync()).Point.Time.Should().Be(k, "the handler runs on a thread of its own, not the pool's");
        }

        // Assert
        roundTrips.Should().OnlyContain(rtt => rtt <= TimeSpan.FromSeconds(1), string.Join(", ", roundTrips));
        client.HalfClose();
        (await client.ReadToEndAsync()).Should().BeEmpty();
        var exitCode = await udf.WaitForExitAsync();
        udf.Process.WaitForExit(); // flushes the redirected STDERR events
        exitCode.Should().Be(0, string.Join(" / ", udf.StderrLines));
    }
}
