using System.IO.Pipelines;
using Kapacitor.Udf.Agent;
using Kapacitor.Udf.Testing;

namespace Kapacitor.Udf.Tests.Agent;

public class KeepaliveMonitorTests
{
    private const long Second = 1_000_000_000;

    [Fact]
    public void EstimatedTimeout_NoKeepaliveSeen_IsTheDefault()
    {
        var monitor = CreateMonitor(out _);

        monitor.EstimatedTimeout.Should().Be(TimeSpan.FromSeconds(10));
        monitor.HeartbeatPeriod.Should().Be(TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public void EstimatedTimeout_KeepalivesEveryFiveSeconds_IsTenSeconds()
    {
        // Requirement 14: Kapacitor sends a keepalive every timeout/2.
        var monitor = CreateMonitor(out _);

        monitor.OnKeepaliveRequest(100 * Second);
        monitor.OnKeepaliveRequest(130 * Second);

        monitor.EstimatedTimeout.Should().Be(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void EstimatedTimeout_KeepalivesMicrosecondsApart_IsAtLeastTheMinimum()
    {
        // Timestamps 2 µs apart once made a 4 µs drain deadline, and an agent that had answered everything exited 1.
        var monitor = CreateMonitor(out _);

        monitor.OnKeepaliveRequest(10 * Second);
        monitor.OnKeepaliveRequest((10 * Second) + 2_000);

        monitor.EstimatedTimeout.Should().Be(KeepaliveMonitor.MinimumEstimatedTimeout);
    }

    [Fact]
    public void EstimatedTimeout_MeasuresKapacitorsClockNotHowLateWeRead()
    {
        // Requests read back to back after a stall still carry Kapacitor's send times.
        var monitor = CreateMonitor(out _);

        monitor.OnKeepaliveRequest(10 * Second);
        monitor.OnKeepaliveRequest(15 * Second);
        monitor.OnKeepaliveRequest(15 * Second);
        monitor.OnKeepaliveRequest(14 * Second);

        monitor.EstimatedTimeout.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Tick_NoCallRunning_SendsNothing()
    {
        var monitor = CreateMonitor(out var clock, out var output);

        for (var i = 0; i < 100; i++)
        {
            clock.Advance(KeepaliveMonitor.TickPeriod);
            monitor.Tick(clock.GetTimestamp());
        }

        output.Reader.TryRead(out var result).Should().BeFalse(result.Buffer.Length.ToString());
    }

    [Fact]
    public void Tick_CallRunningSilently_HeartbeatEveryHeartbeatPeriod()
    {
        var monitor = CreateMonitor(out var clock, out var output);

        monitor.CallStarted("Point");
        clock.Advance(KeepaliveMonitor.TickPeriod);
        monitor.Tick(clock.GetTimestamp()); // the first look starts the silence
        var beats = 0;
        for (var i = 0; i < 40; i++) // 10 s in ticks
        {
            clock.Advance(KeepaliveMonitor.TickPeriod);
            monitor.Tick(clock.GetTimestamp());
            if (output.Reader.TryRead(out var result))
            {
                beats++;
                output.Reader.AdvanceTo(result.Buffer.End);
            }
        }

        beats.Should().Be(4, "10 s of silence at one heartbeat per 2.5 s");
    }

    private static KeepaliveMonitor CreateMonitor(out ManualTimeProvider clock) => CreateMonitor(out clock, out _);

    private static KeepaliveMonitor CreateMonitor(out ManualTimeProvider clock, out Pipe output)
    {
        clock = new ManualTimeProvider();
        output = new Pipe();
        var options = new UdfAgentOptions { TimeProvider = clock, DefaultKeepaliveTimeout = TimeSpan.FromSeconds(10), MaxHandlerTime = TimeSpan.FromMinutes(5) };
        var activity = new InputActivity();
        var sweeper = AgentSweeper.For(clock);
        var writer = new ResponseWriter(output.Writer, options, activity, sweeper, _ => { });
        return new KeepaliveMonitor(options, writer, activity, sweeper, (_, _) => { }, _ => { });
    }
}
