using System.Globalization;
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Simulator.Input;
using Kapacitor.Udf.Simulator.LineProtocol;
using Kapacitor.Udf.Simulator.Tests.Support;

namespace Kapacitor.Udf.EndToEnd.Tests;

/// <summary>
/// Recordings in Kapacitor's own format (what <c>kapacitor record</c> writes) replayed through the example UDFs
/// (issue 13): Kapacitor's integration data, recorded, gives the answers Kapacitor's tests expect.
/// </summary>
[Collection(ProcessCollection.Name)]
public class RecordingReplayTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(90);

    private readonly string _directory = Directory.CreateTempSubdirectory("sim-recordings-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Replay_StreamRecordingOfKapacitorsMovingAverageData_SameAveragesAsKapacitorsTest()
    {
        // Arrange: examples/data/moving_avg.lp (server_test.go testStreamAgent), recorded from telegraf.autogen.
        var path = Path.Combine(_directory, "moving_avg.srpl");
        var points = LineProtocolReader.Parse(File.ReadAllText(Examples.PathOf("examples", "data", "moving_avg.lp")));
        KapacitorRecording.WriteStream(path, points.Select(p => ("telegraf", "autogen", LineProtocolWriter.Format(p))));
        var simulator = new UdfSimulator(new SimulatorOptions
        {
            UdfName = "movingAverage",
            GroupBy = ["group"],
            Options = ["field('value')", "size(10)", "as('mean')"],
        });
        using var input = SimulatorInput.FromRecording(path);

        // Act
        var result = await simulator.RunAsync(Examples.Process("MovingAverage"), input).WaitAsync(Hang);

        // Assert
        result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
        Means(result, "group=a").Should().Equal([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.9, 0.8]);
        Means(result, "group=b").Should().Equal([2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1.9, 1.7]);
        result.Points.Should().OnlyContain(p => p.Database == "telegraf" && p.RetentionPolicy == "autogen", "the recorded database and retention policy");
    }

    [Fact]
    public async Task Replay_BatchRecordingOfKapacitorsOutliersData_FiveOutliersPerBatchWithTheGroupKept()
    {
        // Arrange: examples/data/outliers.lp (server_test.go testBatchAgent) as two query results of 20 points.
        var path = Path.Combine(_directory, "outliers.brpl");
        KapacitorRecording.WriteBatch(path, OutliersBatches());
        var simulator = new UdfSimulator(new SimulatorOptions { UdfName = "outliers", Options = ["field('value')", "scale(1.5)"] });
        using var input = SimulatorInput.FromRecording(path);

        // Act
        var result = await simulator.RunAsync(Examples.Process("Outliers"), input).WaitAsync(Hang);

        // Assert
        result.IsClean.Should().BeTrue(string.Join("; ", result.Violations));
        (result.PointsSent, result.BatchesSent).Should().Be((40L, 2L));
        result.Batches.Should().HaveCount(2).And.AllSatisfy(batch =>
        {
            batch.Points.Select(p => p.FieldsDouble["value"]).Should().Equal(5, 6, 85, 90, 100);
            batch.End!.Name.Should().Be("cpu");
            batch.End.Tags.Should().ContainKey("host").WhoseValue.Should().Be("serverA");
        });
        result.Batches.Select(b => b.End!.Tmax).Should().Equal(10 * Second, 20 * Second);
    }

    [Fact]
    public async Task Replay_CommandLine_BatchRecordingWithTwoSourcesNeedsSource()
    {
        // Arrange
        var path = Path.Combine(_directory, "two.brpl");
        KapacitorRecording.WriteBatch(path, OutliersBatches().Take(1), OutliersBatches().Skip(1));
        string[] command = ["run", "--recording", path, "--opt", "field('value')", "--", Examples.Process("Outliers").Program];

        // Act
        await using var ambiguous = SimulatorProcess.Start(command);
        var ambiguousExit = await ambiguous.WaitForExitAsync(Hang);
        await using var second = SimulatorProcess.Start([.. command[..1], "--source", "1", .. command[1..]]);
        var answers = new List<string>();
        while (await second.ReadLineAsync(Hang) is { } line)
        {
            answers.Add(line);
        }

        var secondExit = await second.WaitForExitAsync(Hang);

        // Assert
        ambiguousExit.Should().Be(2);
        ambiguous.StderrLines.Should().Contain($"kapacitor-udf-sim: {path} holds 2 sources (entries 0, 1), one per query node of the recorded task: pick the one to replay with --source N");
        secondExit.Should().Be(0, string.Join('\n', second.StderrLines));
        answers.Should().Equal(new[] { 5, 6, 85, 90, 100 }.Select(v => $"cpu,host=serverA value={v}").Zip(OutlierTimes(1), (l, t) => $"{l} {t}"));
    }

    [Fact]
    public async Task Replay_CommandLine_RecordCutShort_ExitTwoAfterTheUdfWasStoppedCleanly()
    {
        // Arrange: two good records, then one that ends after its database line.
        var path = Path.Combine(_directory, "cut.srpl");
        await using (var gzip = new System.IO.Compression.GZipStream(File.Create(path), System.IO.Compression.CompressionLevel.Fastest))
        {
            await gzip.WriteAsync("db\nrp\ncpu,host=a value=1 1\ndb\nrp\ncpu,host=a value=3 2\ndb\n"u8.ToArray());
        }

        // Act
        await using var simulator = SimulatorProcess.Start(
            ["run", "--recording", path, "--group-by", "host", "--opt", "field('value')", "--opt", "size(10)", "--", Examples.Process("MovingAverage").Program]);
        var answers = new List<string>();
        while (await simulator.ReadLineAsync(Hang) is { } line)
        {
            answers.Add(line);
        }

        var exitCode = await simulator.WaitForExitAsync(Hang);

        // Assert
        var stderr = simulator.StderrLines;
        exitCode.Should().Be(2, string.Join('\n', stderr));
        answers.Should().Equal("cpu,host=a avg=1 1", "cpu,host=a avg=2 2");
        stderr.Should().Contain(l => l.Contains("input: record 3 (line 7) (byte offset 54): the record ends after its database line: the retention policy line is missing", StringComparison.Ordinal));
        stderr.Should().Contain(l => l.StartsWith("kapacitor-udf-sim: the input is broken, so the task was stopped after 2 point(s)", StringComparison.Ordinal));
        stderr.Should().Contain(l => l.EndsWith("exit code 0", StringComparison.Ordinal), "the UDF was stopped cleanly");
    }

    private static IEnumerable<string> OutliersBatches()
    {
        var points = LineProtocolReader.Parse(File.ReadAllText(Examples.PathOf("examples", "data", "outliers.lp")));
        var tags = new Dictionary<string, string> { ["host"] = "serverA" };
        return points.GroupBy(p => p.Time / (10 * Second)).Select(window => KapacitorRecording.Batch(
            "cpu", (window.Key + 1) * 10 * Second, "host=serverA", tags,
            window.Select(p => new RecordedPoint(p.Time, new Dictionary<string, object> { ["value"] = p.FieldsDouble["value"] }))));
    }

    // The times of 5, 6, 85, 90 and 100 in the given window of outliers.lp.
    private static IEnumerable<string> OutlierTimes(int window) =>
        LineProtocolReader.Parse(File.ReadAllText(Examples.PathOf("examples", "data", "outliers.lp")))
            .Where(p => p.Time / (10 * Second) == window && p.FieldsDouble["value"] is 5 or 6 or 85 or 90 or 100)
            .OrderBy(p => p.FieldsDouble["value"])
            .Select(p => p.Time.ToString(CultureInfo.InvariantCulture));

    private static double[] Means(SimulationResult result, string group) =>
        result.Points.Where(p => p.Group == group).Select(p => p.FieldsDouble["mean"]).ToArray();
}
