using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Hosting;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Reliability;

/// <summary>Issue 6, item 3: when Kapacitor stops reading the UDF's output, the real executable stops reading its
/// input after bounded buffers (the output pipe, the bounded queue, blocking emit) instead of growing; once reading
/// resumes nothing is lost (requirement 14: keepalives answered; requirement 27: everything accepted drained).</summary>
[Collection(ProcessCollection.Name)]
public sealed class BackPressureProcessTests
{
    private const int Points = 20_000;
    private const int KeepaliveEvery = 2_000;

    // 4 KiB per point: about 80 MiB of input, far more than every buffer between us and the handler together.
    private static readonly string Text = new('x', 4096);

    // The agent's bounds (a 256-request queue of ~4 KiB points, 64 KiB pipe buffers) plus GC slack: far below the
    // ~80 MiB of input (~160 MiB as .NET strings) an unbounded reader would hold.
    private const long RssGrowthBound = 48L * 1024 * 1024;

    [Fact]
    public async Task ProcessMode_ConsumerStopsReadingOutput_InputStopsMemoryBoundedThenEveryPointBackInOrder()
    {
        await using var udf = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: true, null, "--udf", "faulty");
        await using var client = UdfSocketClient.ForProcess(udf.Process);
        await client.SendAsync(Requests.Init());
        (await client.ReadAsync()).Init.Success.Should().BeTrue();
        var baseline = VmRss(udf);

        // Kapacitor's writer: points with a keepalive now and then, while nobody reads the output.
        var sent = 0;
        var send = Task.Run(async () =>
        {
            for (var i = 0; i < Points; i += 100)
            {
                var chunk = Enumerable.Range(i, 100).Select(n => new Request { Point = Point(n) }).ToList();
                if ((i + 100) % KeepaliveEvery == 0)
                {
                    chunk.Add(Requests.Keepalive(KeepaliveTime((i + 100) / KeepaliveEvery)));
                }

                await client.SendAsync(chunk);
                Volatile.Write(ref sent, i + 100);
            }

            client.HalfClose();
        });

        var stalledAt = await Eventually.StalledAsync(() => Volatile.Read(ref sent), send);
        var peak = Enumerable.Range(0, 3).Select(_ => VmRss(udf)).Max();

        stalledAt.Should().BeLessThan(Points, "the UDF must stop reading its input when its output is not read");
        (peak - baseline).Should().BeLessThan(RssGrowthBound, $"VmRSS went from {baseline} to {peak} bytes with {stalledAt} points sent");

        // Reading resumes: every point back, in order and unchanged, and every keepalive answered.
        var responses = await client.ReadToEndAsync();
        await send.WaitAsync(UdfProcess.Timeout);

        var echoed = responses.Where(r => r.Point is not null).Select(r => r.Point).ToList();
        echoed.Select(p => p.Time).Should().Equal(Enumerable.Range(0, Points).Select(n => (long)n), "no point lost, none reordered");
        echoed.Should().OnlyContain(p => p.FieldsString["text"] == Text && p.FieldsInt["n"] == p.Time);
        responses.Where(r => r.Keepalive is not null).Select(r => r.Keepalive.Time)
            .Should().Contain(Enumerable.Range(1, Points / KeepaliveEvery).Select(KeepaliveTime));
        responses.Should().NotContain(r => r.Error != null);
        var exitCode = await udf.WaitForExitAsync();
        udf.Process.WaitForExit(); // flushes the redirected STDERR events
        exitCode.Should().Be(0, string.Join(" / ", udf.StderrLines));
    }

    // Kapacitor's clock (Unix ns) 10 s apart: the agent estimates Kapacitor's timeout, and so its drain deadline,
    // from this cadence, and a realistic one keeps the drain after EOF from being cut short.
    private static long KeepaliveTime(int k) => 1_700_000_000_000_000_000L + (k * 10_000_000_000L);

    private static Point Point(int n) => new()
    {
        Name = "bp",
        Database = "db",
        RetentionPolicy = "rp",
        Time = n,
        FieldsString = { ["text"] = Text },
        FieldsInt = { ["n"] = n },
    };

    private static long VmRss(UdfProcess udf)
    {
        var line = File.ReadLines($"/proc/{udf.Process.Id}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
