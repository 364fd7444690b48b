using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Hosting;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Reliability;

/// <summary>Issue 12, finding 1, through the real executable: answers leave while a call still runs, one per call.
/// No wall clock decides anything: the handler blocks until the test has read what it waits for, so an agent that
/// held the answers back would leave the test waiting (and failing at the client's timeout), not racing.</summary>
[Collection(ProcessCollection.Name)]
public sealed class OutputLatencyProcessTests : IDisposable
{
    private readonly SocketDirectory _signals = new();

    public void Dispose() => _signals.Dispose();

    [Fact]
    public async Task ProcessMode_CallBlocksAfterTwoAnswers_TheyArriveWhileItStillRuns()
    {
        // Arrange: four points in one write; the handler answers points 0 and 1, then blocks in the call for point 2
        // (until the test releases it) while point 3 waits in the queue. No keepalive is sent.
        await using var udf = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: true, null, "--udf", "faulty");
        await using var client = UdfSocketClient.ForProcess(udf.Process);
        await client.SendAsync(Requests.FaultyInit("block", faultAfter: 2, signals: _signals.Root));
        (await client.ReadAsync()).Init.Success.Should().BeTrue();

        // Act
        await client.SendAsync([Requests.Point(0), Requests.Point(1), Requests.Point(2), Requests.Point(3)]);
        var first = await client.ReadAsync();
        var second = await client.ReadAsync();
        var stillBlocked = !File.Exists(_signals.PathOf("release"));
        await File.WriteAllTextAsync(_signals.PathOf("release"), "");

        // Assert
        stillBlocked.Should().BeTrue("the answers were read before the blocked call was released");
        first.Point.Time.Should().Be(0);
        second.Point.Time.Should().Be(1);
        (await client.ReadAsync()).Point.Time.Should().Be(2);
        (await client.ReadAsync()).Point.Time.Should().Be(3);
        client.HalfClose();
        (await client.ReadToEndAsync()).Should().BeEmpty();
        (await udf.WaitForExitAsync()).Should().Be(0);
    }

    [Fact]
    public async Task ProcessMode_FortyPointsFiftyMillisecondsEach_AnswersLeaveOnePerCall()
    {
        // Arrange: forty points in one write; each call takes 50 ms and, from the second on, does not finish until the
        // test has read the previous call's answer. Answers held until the input goes idle would never come.
        const int points = 40;
        await using var udf = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: true, null, "--udf", "faulty");
        await using var client = UdfSocketClient.ForProcess(udf.Process);
        await client.SendAsync(Requests.FaultyInit("lockstep", signals: _signals.Root, delayMs: 50));
        (await client.ReadAsync()).Init.Success.Should().BeTrue();

        // Act
        await client.SendAsync(Enumerable.Range(0, points).Select(i => Requests.Point(i)));
        var answered = new List<long>();
        for (var i = 0; i < points; i++)
        {
            answered.Add((await client.ReadAsync()).Point.Time);
            await File.WriteAllTextAsync(_signals.PathOf($"read-{i}"), "");
        }

        // Assert
        answered.Should().Equal(Enumerable.Range(0, points).Select(i => (long)i), "each answer left before the next call could finish");
        client.HalfClose();
        (await client.ReadToEndAsync()).Should().BeEmpty();
        (await udf.WaitForExitAsync()).Should().Be(0);
    }
}
