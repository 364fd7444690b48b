using System.Diagnostics;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Hosting;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Reliability;

/// <summary>Issue 12, finding 2, through the real executable in socket mode: threads independent of the number of
/// connections, keepalives independent of blocked handlers, and the open-file limit handled at start. Thread counts
/// come from /proc with generous bounds (the old design used three threads per connection).</summary>
[Collection(ProcessCollection.Name)]
public sealed class SocketScalingTests : IDisposable
{
    private readonly SocketDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task SocketMode_ThousandConnectionsUnderSoftLimit1024_EachAnsweredOnFewThreads()
    {
        // Arrange: a soft limit below the 1024-connection cap plus headroom; the hard limit stays.
        const int connections = 1000;
        var path = _directory.PathOf("faulty.sock");
        await using var server = await StartServerAsync(path, "-Sn 1024");
        var idleThreads = server.Threads;
        var clients = new List<UdfSocketClient>();
        try
        {
            // Act: each connection as a task's: Info, Init, one point; all stay open.
            for (var batch = 0; batch < connections; batch += 50)
            {
                clients.AddRange(await Task.WhenAll(Enumerable.Range(batch, 50).Select(async n =>
                {
                    var client = await UdfSocketClient.ConnectAsync(path);
                    await client.SendAsync(Requests.Info());
                    (await client.ReadAsync()).Info.Should().NotBeNull();
                    await client.SendAsync(Requests.Init($"task{n}"));
                    (await client.ReadAsync()).Init.Success.Should().BeTrue();
                    await client.SendAsync(Requests.Point(n));
                    (await client.ReadAsync()).Point.Time.Should().Be(n);
                    return client;
                })));
            }

            var threads = server.Threads;
            var limits = OpenFileLimits(server);

            // Assert
            clients.Should().HaveCount(connections, "every connection was answered");
            threads.Should().BeLessThanOrEqualTo(idleThreads + (4 * Environment.ProcessorCount) + 32,
                $"threads do not grow with connections (idle: {idleThreads}; the old design had three per connection)");
            limits.Soft.Should().Be(limits.Hard, "the server raised its soft open-file limit to the hard limit");
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task SocketMode_FourTimesProcessorCountHandlersBlocked_OtherConnectionsKeepalivesAnsweredWithinOneSecond()
    {
        // Arrange: 4 × ProcessorCount connections whose handlers block their threads at once.
        var blockedCount = 4 * Environment.ProcessorCount;
        var path = _directory.PathOf("faulty.sock");
        await using var server = await StartServerAsync(path, null);
        var blocked = new List<UdfSocketClient>();
        var others = new List<UdfSocketClient>();
        try
        {
            for (var n = 0; n < blockedCount; n++)
            {
                var client = await UdfSocketClient.ConnectAsync(path);
                blocked.Add(client);
                await client.SendAsync(Requests.FaultyInit("block", signals: _directory.Root, taskId: $"blocked{n}"));
                (await client.ReadAsync()).Init.Success.Should().BeTrue();
                await client.SendAsync(Requests.Point(n));
            }

            await Eventually.TrueAsync(
                () => Enumerable.Range(0, blockedCount).All(n => File.Exists(_directory.PathOf($"blocked-blocked{n}"))),
                "every handler blocked", UdfProcess.Timeout);

            // Act: other connections start, keepalive, and stream while every one of those calls is blocked.
            var roundTrips = new List<TimeSpan>();
            for (var n = 0; n < 8; n++)
            {
                var client = await UdfSocketClient.ConnectAsync(path);
                others.Add(client);
                await client.SendAsync(Requests.Init($"other{n}"));
                (await client.ReadAsync()).Init.Success.Should().BeTrue();
                var sent = Stopwatch.GetTimestamp();
                await client.SendAsync(Requests.Keepalive(n + 1));
                (await client.ReadAsync()).Keepalive.Time.Should().Be(n + 1);
                roundTrips.Add(Stopwatch.GetElapsedTime(sent));
                await client.SendAsync(Requests.Point(100 + n));
                (await client.ReadAsync()).Point.Time.Should().Be(100 + n, "a new busy connection gets a handler thread");
            }

            // Assert
            roundTrips.Should().OnlyContain(rtt => rtt <= TimeSpan.FromSeconds(1), $"keepalives never wait for a handler thread: {string.Join(", ", roundTrips)}");
            server.Threads.Should().BeGreaterThanOrEqualTo(blockedCount, "each blocked call holds a thread of its own");
            await File.WriteAllTextAsync(_directory.PathOf("release"), "");
            for (var n = 0; n < blockedCount; n++)
            {
                (await blocked[n].ReadAsync()).Point.Time.Should().Be(n, "released calls finish and answer");
            }
        }
        finally
        {
            await File.WriteAllTextAsync(_directory.PathOf("release"), "");
            foreach (var client in blocked.Concat(others))
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Start_ConnectionCapBeyondTheOpenFileLimit_RefusedWithTheNamedError()
    {
        // Arrange: a hard limit of 256 cannot hold the default cap of 1024 connections.
        var path = _directory.PathOf("faulty.sock");

        // Act
        await using var server = UdfProcess.StartLimited("-Sn 256 -Hn 256", UdfProcess.FaultyUdfDll, rawStdio: false, null, "--socket", $"faulty={path}");
        var exitCode = await server.WaitForExitAsync();
        server.Process.WaitForExit(); // flushes the redirected STDERR events

        // Assert
        exitCode.Should().Be(1);
        server.StderrLines.Should().Contain(l => l.Contains("MaxConnections 1024 needs 1088 open files, but the open-file limit is 256", StringComparison.Ordinal)
            && l.Contains("LimitNOFILE", StringComparison.Ordinal));
        File.Exists(path).Should().BeFalse("nothing was bound");
    }

    private static async Task<UdfProcess> StartServerAsync(string path, string? ulimit)
    {
        var server = UdfProcess.StartLimited(ulimit, UdfProcess.FaultyUdfDll, rawStdio: false, null, "--socket", $"faulty={path}");
        await Eventually.TrueAsync(() => File.Exists(path) || server.Process.HasExited, "the socket listening", UdfProcess.Timeout);
        server.Process.HasExited.Should().BeFalse(string.Join(" / ", server.StderrLines));
        return server;
    }

    private static (string Soft, string Hard) OpenFileLimits(UdfProcess process)
    {
        // "Max open files            20000                20000                files"
        var line = File.ReadLines($"/proc/{process.Process.Id}/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (fields[0], fields[1]);
    }
}
