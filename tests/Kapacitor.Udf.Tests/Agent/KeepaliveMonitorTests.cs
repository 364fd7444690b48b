using System.IO.Pipelines;
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

    [Fact]
    public void EstimatedTimeout_OneKeepaliveOnly_StillTheDefault()
    {
        var monitor = CreateMonitor(out _);

        monitor.OnKeepaliveRequest(100 * Second);

        monitor.EstimatedTimeout.Should().Be(TimeSpan.FromSeconds(10), "one timestamp is no interval");
    }

    [Theory]
    [InlineData(3601)] // more than an hour apart: not a keepalive cadence
    [InlineData(-5)] // going backwards
    [InlineData(0)] // the same timestamp twice
    public void EstimatedTimeout_ImplausibleInterval_Ignored(long seconds)
    {
        var monitor = CreateMonitor(out _);

        monitor.OnKeepaliveRequest(10_000 * Second);
        monitor.OnKeepaliveRequest((10_000 + seconds) * Second);

        monitor.EstimatedTimeout.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void EstimatedTimeout_IntervalOfExactlyAnHour_Accepted()
    {
        var monitor = CreateMonitor(out _);

        monitor.OnKeepaliveRequest(10_000 * Second);
        monitor.OnKeepaliveRequest((10_000 + 3600) * Second);

        monitor.EstimatedTimeout.Should().Be(TimeSpan.FromHours(2));
        monitor.HeartbeatPeriod.Should().Be(TimeSpan.FromMinutes(30));
    }

    [Fact]
    public void Tick_InputInFlightWithoutACall_Heartbeats()
    {
        // The reader blocked on a full queue counts as busy even between calls.
        var f = Fixture.Create();
        f.Activity.Begin();

        f.TickFor(TimeSpan.FromSeconds(3));

        f.Beats().Should().Be(1);
    }

    [Fact]
    public async Task Tick_OutputFlowing_NoHeartbeat()
    {
        // Arrange: a call runs, but the writer flushes every tick, so Kapacitor hears from us anyway.
        var f = Fixture.Create();
        await f.Writer.OpenDataGateAsync();
        f.Monitor.CallStarted("Point");

        // Act
        for (var i = 0; i < 40; i++)
        {
            await f.Writer.WriteManagementAsync(new Kapacitor.Udf.Protocol.Response { Keepalive = new Kapacitor.Udf.Protocol.KeepaliveResponse { Time = 1 } });
            f.TickFor(KeepaliveMonitor.TickPeriod);
        }

        // Assert: only the 40 answers written above.
        f.Beats().Should().Be(40);
    }

    [Fact]
    public void Tick_OneCallPastTheMaximumHandlerTime_DeclaredHungOnce()
    {
        // Arrange
        var f = Fixture.Create(maxHandlerTime: TimeSpan.FromSeconds(30));
        f.Monitor.CallStarted("Point");

        // Act
        f.TickFor(TimeSpan.FromSeconds(29.5));
        var before = f.Hung.Count;
        f.TickFor(TimeSpan.FromSeconds(10));

        // Assert
        before.Should().Be(0);
        f.Hung.Should().ContainSingle().Which.Should().Match<(string Method, TimeSpan Running)>(h => h.Method == "Point" && h.Running >= TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Tick_ANewCallEveryTick_NeverHung()
    {
        // Each call is short; together they run far past the maximum: the sequence tells them apart.
        var f = Fixture.Create(maxHandlerTime: TimeSpan.FromSeconds(1));

        for (var i = 0; i < 40; i++)
        {
            f.Monitor.CallStarted("Point");
            f.TickFor(KeepaliveMonitor.TickPeriod);
            f.Monitor.CallFinished();
        }

        f.Hung.Should().BeEmpty();
    }

    [Fact]
    public void Tick_MaximumHandlerTimeZero_NeverHung()
    {
        var f = Fixture.Create(maxHandlerTime: TimeSpan.Zero);
        f.Monitor.CallStarted("Point");

        f.TickFor(TimeSpan.FromMinutes(10));

        f.Hung.Should().BeEmpty("zero means no limit");
    }

    [Fact]
    public void Tick_CallLongerThanKapacitorsTimeout_WarnsOnce()
    {
        var f = Fixture.Create();
        f.Monitor.CallStarted("Init");

        f.TickFor(TimeSpan.FromSeconds(9.5));
        var before = f.Log.Messages(Serilog.Events.LogEventLevel.Warning).Count();
        f.TickFor(TimeSpan.FromSeconds(30));

        before.Should().Be(0, "10 s is the estimated timeout");
        f.Log.Messages(Serilog.Events.LogEventLevel.Warning).Should().ContainSingle().Which.Should().StartWith("\"Init\" handler call has run for");
    }

    [Fact]
    public void CheckDrainDeadline_FiresOnceAtTheDeadlineWithTheFirstReason()
    {
        // Arrange
        var f = Fixture.Create();
        var start = f.Clock.GetTimestamp();
        f.Monitor.StartDrainDeadline(TimeSpan.FromSeconds(5), "the input ended");
        f.Monitor.StartDrainDeadline(TimeSpan.FromSeconds(1), "a later reason");
        var deadline = start + ResponseWriter.ToTimestamp(TimeSpan.FromSeconds(5), f.Clock);

        // Act
        f.Monitor.CheckDrainDeadline(deadline - 1);
        var early = f.Drained.Count;
        f.Monitor.CheckDrainDeadline(deadline);
        f.Monitor.CheckDrainDeadline(deadline + 1);

        // Assert
        early.Should().Be(0);
        f.Drained.Should().Equal("not finished 5s after: the input ended");
        f.Monitor.DrainDeadline.Should().Be(0, "a fired deadline is gone");
    }

    [Fact]
    public void Tick_Heartbeat_CarriesTheClocksTimeInUnixNanoseconds()
    {
        // Kapacitor reads a KeepaliveResponse's time as its own: Unix nanoseconds.
        var f = Fixture.Create();
        f.Monitor.CallStarted("Point");

        f.TickFor(KeepaliveMonitor.TickPeriod + f.Monitor.HeartbeatPeriod);
        var expected = (f.Clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

        f.Responses().Should().ContainSingle().Which.Keepalive.Time.Should().Be(expected);
    }

    [Fact]
    public void Tick_CallRunningExactlyTheMaximumHandlerTime_DeclaredHung()
    {
        // Arrange: the first look at the call starts its clock.
        var f = Fixture.Create(maxHandlerTime: TimeSpan.FromSeconds(30));
        f.Monitor.CallStarted("Point");
        f.TickFor(KeepaliveMonitor.TickPeriod);

        // Act
        f.TickFor(TimeSpan.FromSeconds(30) - KeepaliveMonitor.TickPeriod);
        var before = f.Hung.Count;
        f.TickFor(KeepaliveMonitor.TickPeriod);

        // Assert
        before.Should().Be(0);
        f.Hung.Should().Equal(("Point", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Tick_CallRunningExactlyKapacitorsTimeout_WarnsOnlyPastIt()
    {
        var f = Fixture.Create();
        f.Monitor.CallStarted("Point");
        f.TickFor(KeepaliveMonitor.TickPeriod);

        f.TickFor(TimeSpan.FromSeconds(10));
        var atTheTimeout = f.Log.Messages(Serilog.Events.LogEventLevel.Warning).Count();
        f.TickFor(KeepaliveMonitor.TickPeriod);

        atTheTimeout.Should().Be(0, "the warning is for a call longer than the timeout");
        f.Log.Messages(Serilog.Events.LogEventLevel.Warning).Should().ContainSingle()
            .Which.Should().Contain("has run for 00:00:10.2500000").And.Contain("about 00:00:10").And.Contain("up to 00:05:00");
    }

    [Fact]
    public void Tick_SecondLongCall_WarnsAgain()
    {
        var f = Fixture.Create();

        f.Monitor.CallStarted("Point");
        f.TickFor(TimeSpan.FromSeconds(12));
        f.Monitor.CallFinished();
        f.Monitor.CallStarted("Point");
        f.TickFor(TimeSpan.FromSeconds(12));

        f.Log.Messages(Serilog.Events.LogEventLevel.Warning).Should().HaveCount(2);
    }

    [Fact]
    public void Tick_CallFinished_NoHeartbeatOrHungCallAfterIt()
    {
        var f = Fixture.Create(maxHandlerTime: TimeSpan.FromSeconds(1));
        f.Monitor.CallStarted("Point");
        f.TickFor(KeepaliveMonitor.TickPeriod);

        f.Monitor.CallFinished();
        f.TickFor(TimeSpan.FromMinutes(1));

        f.Beats().Should().Be(0);
        f.Hung.Should().BeEmpty();
    }

    [Fact]
    public void CheckDrainDeadline_NoneStarted_NothingFires()
    {
        var f = Fixture.Create();

        f.Monitor.CheckDrainDeadline(f.Clock.GetTimestamp());
        f.Monitor.CheckDrainDeadline(long.MaxValue);

        f.Drained.Should().BeEmpty();
        f.Monitor.DrainDeadline.Should().Be(0);
    }

    [Fact]
    public void StartDrainDeadline_ClockReachesIt_TheSweeperFiresIt()
    {
        // Nobody calls CheckDrainDeadline here: the sweeper, told of the deadline, wakes for it.
        var f = Fixture.Create();
        f.Monitor.StartDrainDeadline(TimeSpan.FromSeconds(2.5), "a signal");

        f.Clock.Advance(TimeSpan.FromSeconds(2.4));
        var early = f.Drained.Count;
        f.Clock.Advance(TimeSpan.FromSeconds(0.1));

        early.Should().Be(0);
        f.Drained.Should().Equal("not finished 2.5s after: a signal");
    }

    private static KeepaliveMonitor CreateMonitor(out ManualTimeProvider clock) => CreateMonitor(out clock, out _);

    private static KeepaliveMonitor CreateMonitor(out ManualTimeProvider clock, out Pipe output)
    {
        var f = Fixture.Create();
        (clock, output) = (f.Clock, f.Output);
        return f.Monitor;
    }

    private sealed record Fixture(KeepaliveMonitor Monitor, ResponseWriter Writer, ManualTimeProvider Clock, Pipe Output, InputActivity Activity,
        List<(string Method, TimeSpan Running)> Hung, List<string> Drained, Support.CollectingLogger Log)
    {
        public static Fixture Create(TimeSpan? maxHandlerTime = null)
        {
            var clock = new ManualTimeProvider();
            var output = new Pipe();
            var log = new Support.CollectingLogger();
            var options = new UdfAgentOptions
            {
                TimeProvider = clock,
                DefaultKeepaliveTimeout = TimeSpan.FromSeconds(10),
                MaxHandlerTime = maxHandlerTime ?? TimeSpan.FromMinutes(5),
                Logger = log.Logger,
            };
            var activity = new InputActivity();
            var sweeper = AgentSweeper.For(clock);
            var writer = new ResponseWriter(output.Writer, options, activity, sweeper, _ => { });
            var hung = new List<(string, TimeSpan)>();
            var drained = new List<string>();
            var monitor = new KeepaliveMonitor(options, writer, activity, sweeper, (m, r) => hung.Add((m, r)), drained.Add);
            return new Fixture(monitor, writer, clock, output, activity, hung, drained, log);
        }

        // Moves the clock forward tick by tick, looking each time, as the sweeper does.
        public void TickFor(TimeSpan span)
        {
            for (var t = TimeSpan.Zero; t < span; t += KeepaliveMonitor.TickPeriod)
            {
                Clock.Advance(KeepaliveMonitor.TickPeriod);
                Monitor.Tick(Clock.GetTimestamp());
            }
        }

        // The responses the output holds now (consumed).
        public List<Kapacitor.Udf.Protocol.Response> Responses()
        {
            var responses = new List<Kapacitor.Udf.Protocol.Response>();
            if (!Output.Reader.TryRead(out var result))
            {
                return responses;
            }

            var buffer = result.Buffer;
            while (Kapacitor.Udf.Framing.VarintFrame.TryReadFrame(ref buffer, long.MaxValue, out var payload))
            {
                responses.Add(Kapacitor.Udf.Protocol.Response.Parser.ParseFrom(payload));
            }

            Output.Reader.AdvanceTo(buffer.Start, buffer.End);
            return responses;
        }

        // How many frames the output holds now (consumed).
        public int Beats()
        {
            var output = new Kapacitor.Udf.Framing.FrameReader(Output.Reader);
            var frames = 0;
            if (output.TryRead())
            {
                while (output.TryReadFrame(out _))
                {
                    frames++;
                }
            }

            output.Release();
            return frames;
        }
    }
}
