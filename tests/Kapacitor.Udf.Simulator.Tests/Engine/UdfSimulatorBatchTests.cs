using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Simulator.Tests.Support;
using static Kapacitor.Udf.Simulator.Tests.Support.TestData;
using static Kapacitor.Udf.Tests.Support.InfoResponses;

namespace Kapacitor.Udf.Simulator.Tests.Engine;

public sealed class UdfSimulatorBatchTests
{
    private const long Second = 1_000_000_000;

    [Fact]
    public async Task RunAsync_BatchUdf_SendsWindowsAsKapacitorDoes()
    {
        // Arrange
        var udf = new FakeUdf(Info(EdgeType.Batch, EdgeType.Batch));
        var simulator = new UdfSimulator(new SimulatorOptions { BatchPeriod = TimeSpan.FromSeconds(10), GroupBy = ["host"] });
        const string input = """
            cpu,host=a,core=0 value=1 1000000000
            cpu,host=b,core=1 value=2 2000000000
            cpu,host=a,core=1 value=3 9000000000
            cpu,host=a,core=0 value=4 10000000000
            """;

        // Act
        var result = await simulator.RunAsync(udf.Target, input).WaitAsync(Hang);

        // Assert
        result.IsClean.Should().BeTrue();
        result.BatchesSent.Should().Be(3);
        var requests = udf.ReceivedOn(1).Where(r => r.MessageCase is not (Request.MessageOneofCase.Keepalive or Request.MessageOneofCase.Init)).ToList();
        requests.Select(r => r.MessageCase).Should().Equal(
            Request.MessageOneofCase.Begin, Request.MessageOneofCase.Point, Request.MessageOneofCase.Point, Request.MessageOneofCase.End,
            Request.MessageOneofCase.Begin, Request.MessageOneofCase.Point, Request.MessageOneofCase.End,
            Request.MessageOneofCase.Begin, Request.MessageOneofCase.Point, Request.MessageOneofCase.End);

        var begin = requests[0].Begin;
        begin.Name.Should().Be("cpu");
        begin.Group.Should().Be("host=a");
        begin.Tags.Should().BeEquivalentTo(new Dictionary<string, string> { ["host"] = "a" });
        begin.Size.Should().Be(2);
        begin.ByName.Should().BeFalse();

        var point = requests[1].Point;
        point.Time.Should().Be(1 * Second);
        point.Group.Should().Be("host=a");
        point.Tags.Should().HaveCount(2, "batch points keep the point's full tags");
        point.Name.Should().BeEmpty();
        point.Database.Should().BeEmpty();
        point.RetentionPolicy.Should().BeEmpty();
        point.Dimensions.Should().BeEmpty();

        var end = requests[3].End;
        end.Name.Should().Be("cpu");
        end.Group.Should().Be("host=a");
        end.Tmax.Should().Be(10 * Second, "tmax is the window's end");
        end.Tags.Should().BeEquivalentTo(new Dictionary<string, string> { ["host"] = "a" });
        end.ByName.Should().BeFalse();

        requests[4].Begin.Group.Should().Be("host=b", "group b's window is flushed at the end of input");
        requests[9].End.Tmax.Should().Be(20 * Second);
        result.Batches.Select(b => b.End!.Tmax).Should().Equal(10 * Second, 10 * Second, 20 * Second);
    }

    [Fact]
    public async Task RunAsync_StreamUdfGivenBatchPeriod_IsDefineError()
    {
        // Arrange
        var udf = new FakeUdf();
        var simulator = new UdfSimulator(new SimulatorOptions { BatchPeriod = TimeSpan.FromSeconds(1) });

        // Act
        var result = await simulator.RunAsync(udf.Target, "m v=1").WaitAsync(Hang);

        // Assert
        result.DefineError.Should().StartWith("cannot add child mismatched edges: batch -> udf:stream");
    }

    [Fact]
    public async Task RunAsync_HoldOpenWindows_SendsOnlyCompletedWindows()
    {
        // Arrange
        var udf = new FakeUdf(Info(EdgeType.Batch, EdgeType.Batch));
        var simulator = new UdfSimulator(new SimulatorOptions { BatchPeriod = TimeSpan.FromSeconds(10), FlushOpenWindows = false });

        // Act
        var result = await simulator.RunAsync(udf.Target, "m v=1 1000000000\nm v=2 12000000000").WaitAsync(Hang);

        // Assert
        result.BatchesSent.Should().Be(1);
        result.Batches.Single().Points.Should().ContainSingle();
    }
}
