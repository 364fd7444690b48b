using System.IO.Compression;
using System.Text;
using Kapacitor.Udf.Simulator.Input;
using Kapacitor.Udf.Simulator.Tests.Support;

namespace Kapacitor.Udf.Simulator.Tests.Input;

public sealed class BatchRecordingInputTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private static readonly Dictionary<string, string> HostA = new() { ["host"] = "a" };
    private static readonly Dictionary<string, string> NoTags = [];

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"sim-{Guid.NewGuid():N}.brpl");

    public void Dispose() => File.Delete(_path);

    private async Task<List<Kapacitor.Udf.Simulator.Engine.InputBatch>> ReadBatchesAsync(int? source = null)
    {
        using var input = SimulatorInput.FromRecording(_path, source);
        input.IsBatches.Should().BeTrue();
        return (await InputReading.ReadAllAsync(input)).Select(i => i.Batch!).ToList();
    }

    private async Task<RecordingException> FailureAsync(int? source = null)
    {
        var act = () => ReadBatchesAsync(source);
        return (await act.Should().ThrowAsync<RecordingException>()).Which;
    }

    [Fact]
    public async Task ReadAsync_Batch_IsSentAsKapacitorSendsIt()
    {
        // Arrange
        KapacitorRecording.WriteBatch(_path,
        [
            KapacitorRecording.Batch("cpu", 10 * Second, "host=a", HostA,
            [
                new RecordedPoint(1 * Second, new Dictionary<string, object> { ["value"] = 100.0, ["state"] = "ok", ["up"] = true }, new Dictionary<string, string> { ["host"] = "a", ["cpu"] = "0" }),
                new RecordedPoint(2 * Second + 5, new Dictionary<string, object> { ["value"] = 1.5 }, new Dictionary<string, string> { ["host"] = "a", ["cpu"] = "1" }),
            ]),
        ]);

        // Act
        var batch = (await ReadBatchesAsync()).Single();

        // Assert
        batch.Begin.Name.Should().Be("cpu");
        batch.Begin.Group.Should().Be("host=a");
        batch.Begin.Size.Should().Be(2);
        batch.Begin.Tags.Should().Equal(HostA);
        batch.End.Tmax.Should().Be(10 * Second);
        batch.End.Tags.Should().Equal(HostA);
        batch.Points.Select(p => (p.Time, p.Group, p.Tags["cpu"])).Should().Equal((1 * Second, "host=a", "0"), (2 * Second + 5, "host=a", "1"));
        batch.Points[0].FieldsDouble["value"].Should().Be(100, "Go writes 100.0 as 100 and reads every number back as a float64");
        batch.Points[0].FieldsInt.Should().BeEmpty("Kapacitor never sends an int field from a batch recording");
        batch.Points[0].FieldsString["state"].Should().Be("ok");
        batch.Points[0].FieldsBool["up"].Should().BeTrue();
        batch.Points[0].Name.Should().BeEmpty("batch points carry only time, group, tags and fields");
    }

    [Fact]
    public async Task ReadAsync_KapacitorsReplayRules_EmptyBatchSkippedPointTagsFromTheBatchTmaxRaisedGroupRecomputed()
    {
        // Arrange: edge/messages.go UnmarshalJSON and replay.go replayBatchFromChan.
        KapacitorRecording.WriteBatch(_path,
        [
            KapacitorRecording.Batch("cpu", 5 * Second, "host=a", HostA, []),
            KapacitorRecording.Batch("cpu", 5 * Second, "stale group", HostA,
                [new RecordedPoint(4 * Second, new Dictionary<string, object> { ["v"] = 1 }), new RecordedPoint(9 * Second, new Dictionary<string, object> { ["v"] = 2 })],
                byName: true),
        ]);

        // Act
        var batch = (await ReadBatchesAsync()).Single();

        // Assert
        batch.Points.Should().AllSatisfy(p => p.Tags.Should().Equal(HostA));
        batch.End.Tmax.Should().Be(9 * Second, "tmax is raised to the last point's time");
        batch.Begin.Group.Should().Be("cpu\nhost=a", "the group is recomputed from name, tags and byname");
        batch.Begin.ByName.Should().BeTrue();
    }

    [Fact]
    public async Task ReadAsync_GosZeroTmaxAndHandWrittenJson_AreReadAsGoReadsThem()
    {
        // Arrange: case-insensitive keys, the last duplicate winning, a zero tmax, null and empty point tags.
        KapacitorRecording.WriteBatch(_path,
        [
            """{"NAME":"mem","tmax":"0001-01-01T00:00:00Z","tags":{"host":"b"},"points":[{"fields":{"x":1},"tags":{},"time":"2024-01-01T00:00:00.5+01:00"},{"fields":{"x":"a","x":2},"tags":null,"time":"2024-01-01T00:00:01Z"}],"name":"disk"}""",
        ]);

        // Act
        var batch = (await ReadBatchesAsync()).Single();

        // Assert
        batch.Begin.Name.Should().Be("disk");
        batch.Points[0].Time.Should().Be(1_704_063_600_500_000_000, "2023-12-31T23:00:00.5Z");
        batch.Points[1].FieldsDouble["x"].Should().Be(2);
        batch.Points[1].FieldsString.Should().BeEmpty();
        batch.Points.Should().AllSatisfy(p => p.Tags["host"].Should().Be("b"));
        batch.End.Tmax.Should().Be(1_704_067_201_000_000_000);
    }

    [Fact]
    public async Task Open_SeveralSources_RefusesWithoutASourceAndReplaysTheOneAskedFor()
    {
        // Arrange
        var point = new RecordedPoint(Second, new Dictionary<string, object> { ["v"] = 1 });
        KapacitorRecording.WriteBatch(_path, [KapacitorRecording.Batch("first", Second, "", NoTags, [point])], [KapacitorRecording.Batch("second", Second, "", NoTags, [point])]);

        // Act
        var ambiguous = await FailureAsync();
        var second = await ReadBatchesAsync(source: 1);
        var missing = await FailureAsync(source: 2);

        // Assert
        ambiguous.Message.Should().Be($"{_path} holds 2 sources (entries 0, 1), one per query node of the recorded task: pick the one to replay with --source N");
        second.Single().Begin.Name.Should().Be("second");
        missing.Message.Should().Be($"{_path} has no source 2 (its entries: 0, 1)");
    }

    [Theory]
    [InlineData("{\"name\":\"cpu\",", "bad JSON: ")]
    [InlineData("[1,2]", "expected a JSON object (one batch per line, as Kapacitor writes them), got Array")]
    [InlineData("{\"points\":[{\"fields\":{\"v\":1},\"time\":\"yesterday\"}]}", "\"point 0 time\" \"yesterday\": expected an RFC 3339 time")]
    [InlineData("{\"points\":[{\"fields\":{\"v\":1}}]}", "point 0 has no time")]
    [InlineData("{\"points\":[{\"fields\":{\"v\":1e400},\"time\":\"2024-01-01T00:00:00Z\"}]}", "point 0 field \"v\": 1e400 is out of the range of a double")]
    [InlineData("{\"points\":[{\"fields\":{\"v\":null},\"time\":\"2024-01-01T00:00:00Z\"}]}", "point 0 field \"v\" is Null: a field is a number, a string or a boolean")]
    [InlineData("{\"tags\":{\"host\":1},\"points\":[]}", "\"tags \"host\"\" must be a string, got Number")]
    [InlineData("{\"points\":[{\"fields\":{},\"time\":\"2300-01-01T00:00:00Z\"}]}", "\"point 0 time\" \"2300-01-01T00:00:00Z\": out of range: nanoseconds since 1970 must fit in 64 bits")]
    public async Task ReadAsync_BadBatch_NamesTheEntryLineAndOffset(string json, string problem)
    {
        // Arrange: a good batch first, so the bad one is on line 2 at a known offset.
        var good = KapacitorRecording.Batch("cpu", Second, "", NoTags, [new RecordedPoint(Second, new Dictionary<string, object> { ["v"] = 1 })]);
        KapacitorRecording.WriteBatch(_path, [good, json]);

        // Act
        var error = await FailureAsync();

        // Assert
        error.Message.Should().StartWith($"entry 0, line 2 (byte offset {Encoding.UTF8.GetByteCount(good) + 1}): {problem}");
    }

    [Fact]
    public async Task Open_NotARecording_SaysWhatARecordingIs()
    {
        // Arrange
        await File.WriteAllTextAsync(_path, "cpu value=1 0\n");

        // Act
        var act = () => SimulatorInput.FromRecording(_path);

        // Assert
        act.Should().Throw<RecordingException>().Which.Message.Should()
            .Be($"{_path} is not a Kapacitor recording: expected a stream recording (.srpl, gzip) or a batch recording (.brpl, zip)");
    }

    [Fact]
    public void Open_CorruptZip_IsAnError()
    {
        // Arrange: a zip's first bytes and nothing of the rest.
        File.WriteAllBytes(_path, [(byte)'P', (byte)'K', 3, 4, 1, 2, 3]);

        // Act
        var act = () => SimulatorInput.FromRecording(_path);

        // Assert
        act.Should().Throw<RecordingException>().Which.Message.Should().StartWith($"{_path} is not a readable zip archive (a batch recording): ");
    }

    [Fact]
    public async Task ReadAsync_CorruptEntry_IsAnErrorNamingTheEntry()
    {
        // Arrange: a good archive whose compressed entry bytes are overwritten.
        var batches = Enumerable.Range(0, 200).Select(i => KapacitorRecording.Batch("cpu", i * Second, "", NoTags, [new RecordedPoint(i * Second, new Dictionary<string, object> { ["v"] = i })]));
        KapacitorRecording.WriteBatch(_path, batches);
        var bytes = await File.ReadAllBytesAsync(_path);
        Array.Fill(bytes, (byte)0xff, 40, 60);
        await File.WriteAllBytesAsync(_path, bytes);

        // Act
        var error = await FailureAsync();

        // Assert
        error.Message.Should().StartWith("entry 0 (byte offset ").And.Contain("corrupt compressed data: ");
    }
}
