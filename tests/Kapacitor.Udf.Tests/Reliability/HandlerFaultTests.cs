using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Hosting;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Reliability;

/// <summary>Issue 6's handler-fault table in a real process (the FaultyUdf executable, faults chosen by its
/// TICKscript options): each fault has one outcome, the process exits by itself with the expected code.</summary>
[Collection(ProcessCollection.Name)]
public sealed class HandlerFaultTests
{
    [Fact]
    public async Task InitThrows_AnswersSuccessFalseAndExitsZeroWhenKapacitorCloses()
    {
        // Requirement 12.
        await using var udf = Start();
        await using var client = UdfSocketClient.ForProcess(udf.Process);

        await client.SendAsync(Init("init"));

        (await client.ReadAsync()).Init.Should().Be(new InitResponse { Success = false, Error = "Init: InvalidOperationException: injected fault in Init" });
        client.HalfClose();
        (await client.ReadToEndAsync()).Should().BeEmpty();
        (await udf.WaitForExitAsync()).Should().Be(0);
    }

    [Fact]
    public async Task RestoreThrows_AnswersSuccessFalse()
    {
        // Requirement 16.
        await using var udf = Start();
        await using var client = UdfSocketClient.ForProcess(udf.Process);

        await client.SendAsync([Init("restore"), Requests.Restore([1, 2])]);

        (await client.ReadAsync()).Init.Success.Should().BeTrue();
        (await client.ReadAsync()).Restore.Should().Be(new RestoreResponse { Success = false, Error = "Restore: InvalidOperationException: injected fault in Restore" });
        client.HalfClose();
        (await udf.WaitForExitAsync()).Should().Be(0);
    }

    [Fact]
    public async Task SnapshotThrows_AnswersTheLastGoodSnapshotAndLogs()
    {
        // Requirement 15: an ErrorResponse would kill the task.
        await using var udf = Start();
        await using var client = UdfSocketClient.ForProcess(udf.Process);

        await client.SendAsync([Init("snapshot", faultAfter: 1), Requests.Snapshot(), Requests.Point(1), Requests.Snapshot()]);

        (await client.ReadAsync()).Init.Success.Should().BeTrue();
        (await client.ReadAsync()).Snapshot.Snapshot.ToStringUtf8().Should().Be("points=0");
        (await client.ReadAsync()).Point.Time.Should().Be(1);
        (await client.ReadAsync()).Snapshot.Snapshot.ToStringUtf8().Should().Be("points=0", "the failed snapshot is replaced by the last good one");
        client.HalfClose();
        (await udf.WaitForExitAsync()).Should().Be(0);
        udf.Process.WaitForExit();
        udf.StderrLines.Should().Contain(l => l.Contains("Snapshot: InvalidOperationException: injected fault in Snapshot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PointThrows_OneErrorResponseStackTraceOnOneStderrLineExitOne()
    {
        // Requirement 26; requirement 29 (one line per event).
        await using var udf = Start();
        await using var client = UdfSocketClient.ForProcess(udf.Process);

        await client.SendAsync([Init("point", faultAfter: 2), Requests.Point(0), Requests.Point(1), Requests.Point(2), Requests.Point(3)]);

        var responses = await ReadUntilErrorThenCloseAsync(client);
        responses.Select(r => r.MessageCase).Should().Equal(
            Response.MessageOneofCase.Init, Response.MessageOneofCase.Point, Response.MessageOneofCase.Point, Response.MessageOneofCase.Error);
        responses[^1].Error.Error.Should().Be("Point: InvalidOperationException: injected fault at point 2");
        (await udf.WaitForExitAsync()).Should().Be(1);
        udf.Process.WaitForExit();
        udf.StderrLines.Should().ContainSingle(l => l.Contains(" E! ", StringComparison.Ordinal) && l.Contains("injected fault at point 2", StringComparison.Ordinal))
            .Which.Should().Contain("FaultyHandler.PointAsync", "the stack trace is on the same line");
    }

    [Fact]
    public async Task BackgroundEmitterThrows_SameOutcomeAsAHandler()
    {
        await using var udf = Start();
        await using var client = UdfSocketClient.ForProcess(udf.Process);

        await client.SendAsync([Init("background"), Requests.Point(0)]);

        var responses = await ReadUntilErrorThenCloseAsync(client);
        responses[^1].Error.Error.Should().Be("emitter: InvalidOperationException: injected fault on a background thread");
        (await udf.WaitForExitAsync()).Should().Be(1);
    }

    [Fact]
    public async Task HandlerNeverReturns_KeepalivesAnsweredThenErrorAtTheMaximumHandlerTime()
    {
        // Requirement 14 and reference §7 pain point 1: alive while it may be slow, a clear error when it is hung.
        await using var udf = Start(new Dictionary<string, string> { ["KAPACITOR_UDF_MAX_HANDLER_TIME"] = "2s" });
        await using var client = UdfSocketClient.ForProcess(udf.Process);

        await client.SendAsync([Init("hang"), Requests.Point(0)]);
        (await client.ReadAsync()).Init.Success.Should().BeTrue();
        await client.SendAsync(Requests.Keepalive(42));

        var responses = await ReadUntilErrorThenCloseAsync(client);
        responses.Should().Contain(r => r.Keepalive != null && r.Keepalive.Time == 42, "the reader answers while the handler hangs");
        responses[^1].Error.Error.Should().StartWith("Point: handler call has run for").And.EndWith("longer than the maximum handler time of 2s");
        (await udf.WaitForExitAsync()).Should().Be(1, "the hung thread does not keep the process alive");
    }

    private static UdfProcess Start(IReadOnlyDictionary<string, string>? environment = null) =>
        UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: true, environment, "--udf", "faulty");

    private static Request Init(string fault, long faultAfter = 0) => Requests.FaultyInit(fault, faultAfter);

    private static async Task<List<Response>> ReadUntilErrorThenCloseAsync(UdfSocketClient client)
    {
        var responses = new List<Response>();
        while (await client.ReadOrEndAsync() is { } response)
        {
            responses.Add(response);
            if (response.MessageCase == Response.MessageOneofCase.Error)
            {
                break;
            }
        }

        client.HalfClose();
        (await client.ReadToEndAsync()).Should().BeEmpty("nothing follows the ErrorResponse");
        return responses;
    }
}
