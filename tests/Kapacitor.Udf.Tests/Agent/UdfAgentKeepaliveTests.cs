using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Agent;

public class UdfAgentKeepaliveTests
{
    [Fact]
    public async Task RunAsync_HandlerBlocked_KeepalivesStillAnswered()
    {
        // Requirement 14 and pain point 1: the reader answers while the worker is stuck in a call.
        var release = new TaskCompletionSource();
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx) { OnPoint = _ => new ValueTask(release.Task) });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();

        await harness.SendAsync(Requests.Point(1));
        await harness.SendAsync(Requests.Keepalive(11));
        await harness.SendAsync(Requests.Keepalive(12));

        (await harness.ReadAsync()).Keepalive.Time.Should().Be(11);
        (await harness.ReadAsync()).Keepalive.Time.Should().Be(12);
        release.SetResult();
    }

    [Fact]
    public async Task RunAsync_QueueFullBehindAHungCall_HeartbeatsThenFailsAtTheMaximumHandlerTime()
    {
        // Reference 9.1: Kapacitor resets its timer on any response, so unsolicited keepalives keep the task alive
        // while the reader cannot see requests; past the maximum handler time the call is declared hung.
        var clock = new ManualTimeProvider();
        var release = new TaskCompletionSource();
        await using var harness = UdfTestHarness.Start(
            ctx => new TestHandler(ctx) { OnPoint = _ => new ValueTask(release.Task) },
            new UdfAgentOptions { TimeProvider = clock, QueueCapacity = 1, MaxHandlerTime = TimeSpan.FromSeconds(30) });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();

        await harness.SendAsync(Requests.Point(1)); // the worker hangs in this call
        await harness.SendAsync(Requests.Point(2)); // fills the queue
        await harness.SendAsync(Requests.Point(3)); // the reader blocks handing this one over
        await harness.SendAsync(Requests.Keepalive(99)); // so this request is never seen

        var heartbeats = new List<Response>();
        Response response;
        while ((response = await AdvanceUntilResponseAsync(clock, harness)).MessageCase == Response.MessageOneofCase.Keepalive)
        {
            heartbeats.Add(response);
        }

        heartbeats.Should().HaveCountGreaterThan(5, "a heartbeat goes out every 2.5 s over 30 s");
        heartbeats.Should().OnlyContain(h => h.Keepalive.Time != 99);
        response.Error.Error.Should().StartWith("Point: handler call has run for ")
            .And.EndWith("longer than the maximum handler time of 30s");

        harness.CompleteInput();
        (await harness.WaitForExitAsync()).Reason.Should().Be(UdfFailureReason.HandlerHung, "a hung call does not keep the agent from ending");
        release.SetResult();
    }

    [Fact]
    public async Task RunAsync_DrainRequestedAndInputEnds_SucceedsNormally()
    {
        // The SIGTERM path in process mode: keep serving until the input closes.
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx));
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();

        harness.Agent.BeginDrain("SIGTERM received");
        await harness.SendAsync(Requests.Point(1));
        (await harness.ReadAsync()).Point.Time.Should().Be(1);
        harness.CompleteInput();

        (await harness.WaitForExitAsync()).ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task RunAsync_DrainRequestedButInputNeverEnds_GivesUpAtTheDeadline()
    {
        var clock = new ManualTimeProvider();
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx),
            new UdfAgentOptions { TimeProvider = clock, DrainTimeout = TimeSpan.FromSeconds(5) });

        harness.Agent.BeginDrain("SIGTERM received");
        clock.Advance(TimeSpan.FromSeconds(5));

        var result = await harness.WaitForExitAsync();
        result.Reason.Should().Be(UdfFailureReason.DrainTimedOut);
        result.Error.Should().Contain("SIGTERM received", "the log names what started the drain");
    }

    [Fact]
    public async Task RunAsync_EndOfInputWhileACallHangs_GivesUpAtTheDrainDeadline()
    {
        var clock = new ManualTimeProvider();
        var release = new TaskCompletionSource();
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx) { OnPoint = _ => new ValueTask(release.Task) },
            new UdfAgentOptions { TimeProvider = clock, DrainTimeout = TimeSpan.FromSeconds(2) });
        await harness.SendAsync(Requests.Init());
        await harness.ReadAsync();
        await harness.SendAsync(Requests.Point(1));

        harness.CompleteInput();
        var exit = harness.WaitForExitAsync();
        while (!exit.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(exit, Task.Delay(5));
        }

        (await exit).Reason.Should().Be(UdfFailureReason.DrainTimedOut);
        release.SetResult();
    }

    // Moves the manual clock in monitor-tick steps until the agent says something.
    private static async Task<Response> AdvanceUntilResponseAsync(ManualTimeProvider clock, UdfTestHarness harness)
    {
        var next = harness.ReadAsync().AsTask();
        while (!next.IsCompleted)
        {
            clock.Advance(KeepaliveMonitor.TickPeriod);
            await Task.WhenAny(next, Task.Delay(5));
        }

        return await next;
    }
}
