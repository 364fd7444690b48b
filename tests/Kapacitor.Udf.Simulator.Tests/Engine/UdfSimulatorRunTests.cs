using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Simulator.Tests.Support;
using static Kapacitor.Udf.Simulator.Tests.Support.TestData;
using static Kapacitor.Udf.Tests.Support.InfoResponses;

namespace Kapacitor.Udf.Simulator.Tests.Engine;

public sealed class UdfSimulatorRunTests
{
    [Fact]
    public async Task RunAsync_MirrorUdf_IsCleanAndEchoesEveryPoint()
    {
        // Arrange
        var udf = new FakeUdf();
        var simulator = new UdfSimulator(new SimulatorOptions { GroupBy = ["host"] });

        // Act
        var result = await simulator.RunAsync(udf.Target, "cpu,host=a value=1 10\ncpu,host=b value=2 20\n").WaitAsync(Hang);

        // Assert
        result.Violations.Should().BeEmpty();
        result.IsClean.Should().BeTrue();
        result.ExitCode.Should().Be(0);
        result.Probe!.IsClean.Should().BeTrue();
        result.Init!.Success.Should().BeTrue();
        result.PointsSent.Should().Be(2);
        result.Points.Select(p => (p.Name, p.Time, p.Group, p.FieldsDouble["value"]))
            .Should().Equal(("cpu", 10L, "host=a", 1.0), ("cpu", 20L, "host=b", 2.0));
        udf.Target.Connections.Should().Be(2);
    }

    [Fact]
    public async Task RunAsync_StreamPoints_ArriveFullyPopulatedAsKapacitorSendsThem()
    {
        // Arrange
        var udf = new FakeUdf();
        var simulator = new UdfSimulator(new SimulatorOptions
        {
            GroupBy = ["region", "host"],
            ByMeasurement = true,
            Database = "telegraf",
            RetentionPolicy = "weekly",
        });

        // Act
        await simulator.RunAsync(udf.Target, "cpu,host=a,region=eu,dc=x value=1,n=2i,s=\"t\",b=true 5").WaitAsync(Hang);

        // Assert
        var point = udf.ReceivedOn(1).Single(r => r.MessageCase == Request.MessageOneofCase.Point).Point;
        point.Name.Should().Be("cpu");
        point.Database.Should().Be("telegraf");
        point.RetentionPolicy.Should().Be("weekly");
        point.Dimensions.Should().Equal("host", "region");
        point.Group.Should().Be("cpu\nhost=a,region=eu");
        point.ByName.Should().BeTrue();
        point.Tags.Should().HaveCount(3);
        point.FieldsDouble["value"].Should().Be(1.0);
        point.FieldsInt["n"].Should().Be(2);
        point.FieldsString["s"].Should().Be("t");
        point.FieldsBool["b"].Should().BeTrue();
        point.Time.Should().Be(5);
    }

    [Fact]
    public async Task RunAsync_Options_SendsInitRequestWithTaskNodeAndOptionsInOrder()
    {
        // Arrange
        var info = Info(options: [("field", [Protocol.ValueType.String]), ("size", [Protocol.ValueType.Int]), ("flag", [])]);
        var udf = new FakeUdf(info);
        var simulator = new UdfSimulator(new SimulatorOptions
        {
            UdfName = "movingAvg",
            Options = ["size(10)", "field('value')", "flag()", "size(3)"],
        });

        // Act
        var result = await simulator.RunAsync(udf.Target, "m value=1").WaitAsync(Hang);

        // Assert
        result.IsClean.Should().BeTrue();
        var requests = udf.ReceivedOn(1);
        requests[0].MessageCase.Should().Be(Request.MessageOneofCase.Init, "a task connection starts with Init (no Info)");
        var init = requests[0].Init;
        init.TaskID.Should().Be("sim");
        init.NodeID.Should().Be("movingAvg1");
        init.Options.Select(o => o.Name).Should().Equal("size", "field", "flag", "size");
        init.Options[0].Values.Single().IntValue.Should().Be(10);
        init.Options[1].Values.Single().StringValue.Should().Be("value");
        init.Options[2].Values.Should().BeEmpty();
        udf.ReceivedOn(0).Select(r => r.MessageCase).Should().Equal(Request.MessageOneofCase.Info);
    }

    [Fact]
    public async Task RunAsync_Restore_SendsRestoreBeforeDataAndKeepsTheAnswer()
    {
        // Arrange
        var udf = new FakeUdf();
        var simulator = new UdfSimulator(new SimulatorOptions { RestoreSnapshot = [1, 2, 3] });

        // Act
        var result = await simulator.RunAsync(udf.Target, "m value=1").WaitAsync(Hang);

        // Assert
        result.IsClean.Should().BeTrue();
        result.Restore!.Success.Should().BeTrue();
        var cases = udf.ReceivedOn(1).Select(r => r.MessageCase).Where(c => c != Request.MessageOneofCase.Keepalive);
        cases.Should().Equal(Request.MessageOneofCase.Init, Request.MessageOneofCase.Restore, Request.MessageOneofCase.Point);
        udf.ReceivedOn(1)[1].Restore.Snapshot.ToByteArray().Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task RunAsync_EmptyRestoreSnapshot_SendsNoRestore()
    {
        // Arrange
        var udf = new FakeUdf();
        var simulator = new UdfSimulator(new SimulatorOptions { RestoreSnapshot = [] });

        // Act
        var result = await simulator.RunAsync(udf.Target, "m value=1").WaitAsync(Hang);

        // Assert
        result.IsClean.Should().BeTrue();
        result.Restore.Should().BeNull();
        udf.ReceivedOn(1).Should().NotContain(r => r.MessageCase == Request.MessageOneofCase.Restore);
    }

    [Fact]
    public async Task RunAsync_SnapshotAfter_RequestsOneSnapshotMidStreamAndKeepsTheBytes()
    {
        // Arrange
        var udf = new FakeUdf
        {
            OnSnapshot = (_, respond) => respond.Send(new Response { Snapshot = new SnapshotResponse { Snapshot = Google.Protobuf.ByteString.CopyFromUtf8("state") } }),
        };
        var simulator = new UdfSimulator(new SimulatorOptions { SnapshotAfter = 2 });

        // Act
        var result = await simulator.RunAsync(udf.Target, "m value=1\nm value=2\nm value=3").WaitAsync(Hang);

        // Assert
        result.IsClean.Should().BeTrue();
        result.Snapshot!.ToStringUtf8().Should().Be("state");
        var cases = udf.ReceivedOn(1).Select(r => r.MessageCase).Where(c => c != Request.MessageOneofCase.Keepalive);
        cases.Should().Equal(
            Request.MessageOneofCase.Init,
            Request.MessageOneofCase.Point,
            Request.MessageOneofCase.Point,
            Request.MessageOneofCase.Snapshot,
            Request.MessageOneofCase.Point);
    }

    [Fact]
    public async Task RunAsync_UdfAnswersKeepalives_CountsThemAndStaysClean()
    {
        // Arrange: Init is answered only after two keepalives went round, so keepalives certainly flow.
        var keepalives = 0;
        var udf = new FakeUdf
        {
            OnInit = (_, _) => { },
            OnKeepalive = (request, respond) =>
            {
                respond.Send(new Response { Keepalive = new KeepaliveResponse { Time = request.Time } });
                if (respond.Connection == 1 && ++keepalives == 2)
                {
                    respond.Send(new Response { Init = new InitResponse { Success = true } });
                }
            },
        };
        // Generous: the machine may be busy, and a late first keepalive must not look like a dead UDF.
        var simulator = new UdfSimulator(new SimulatorOptions { Timeout = TimeSpan.FromSeconds(3) });

        // Act
        var result = await simulator.RunAsync(udf.Target, "m value=1").WaitAsync(Hang);

        // Assert
        result.Violations.Should().BeEmpty();
        result.KeepalivesSent.Should().BeGreaterThanOrEqualTo(2);
        result.KeepalivesAnswered.Should().BeGreaterThanOrEqualTo(2);
        udf.ReceivedOn(1).Where(r => r.MessageCase == Request.MessageOneofCase.Keepalive)
            .Should().OnlyContain(r => r.Keepalive.Time > 0, "keepalive time is now in Unix nanoseconds");
    }

    [Fact]
    public async Task RunAsync_StderrLines_AreCollectedAndForwarded()
    {
        // Arrange
        var forwarded = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var udf = new FakeUdf { OnEof = respond => respond.Stderr("bye") };
        var simulator = new UdfSimulator(new SimulatorOptions { StderrLine = forwarded.Enqueue });

        // Act
        var result = await simulator.RunAsync(udf.Target, "m value=1").WaitAsync(Hang);

        // Assert
        result.StderrLines.Should().Equal("bye");
        result.Probe!.StderrLines.Should().Equal("bye");
        forwarded.Should().Equal("bye", "bye");
    }
}
