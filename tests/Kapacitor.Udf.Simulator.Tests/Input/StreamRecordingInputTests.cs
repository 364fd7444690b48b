using System.IO.Compression;
using Kapacitor.Udf.Simulator.Input;
using Kapacitor.Udf.Simulator.Tests.Support;

namespace Kapacitor.Udf.Simulator.Tests.Input;

public sealed class StreamRecordingInputTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"sim-{Guid.NewGuid():N}.srpl");

    public void Dispose() => File.Delete(_path);

    private async Task<RecordingException> FailureAsync()
    {
        using var input = SimulatorInput.FromRecording(_path);
        var act = () => InputReading.ReadAllAsync(input);
        return (await act.Should().ThrowAsync<RecordingException>()).Which;
    }

    [Fact]
    public async Task ReadAsync_Records_ArePointsWithTheirDatabaseAndRetentionPolicy()
    {
        // Arrange
        KapacitorRecording.WriteStream(_path,
        [
            ("telegraf", "autogen", "cpu,host=a usage_idle=99.5,n=3i 1700000000123456789"),
            ("other", "weekly", "mem,host=b used=\"x\" 1700000001000000000"),
        ]);
        using var input = SimulatorInput.FromRecording(_path);

        // Act
        var points = (await InputReading.ReadAllAsync(input)).Select(i => i.Point!).ToList();

        // Assert
        input.IsBatches.Should().BeFalse();
        points.Select(p => (p.Database, p.RetentionPolicy, p.Name, p.Time)).Should().Equal(
            ("telegraf", "autogen", "cpu", 1_700_000_000_123_456_789L), ("other", "weekly", "mem", 1_700_000_001_000_000_000L));
        points[0].FieldsDouble["usage_idle"].Should().Be(99.5);
        points[0].FieldsInt["n"].Should().Be(3);
        points[1].FieldsString["used"].Should().Be("x");
    }

    [Fact]
    public async Task ReadAsync_RecordWithoutItsRetentionPolicyLine_NamesTheRecordAndOffset()
    {
        // Arrange: the second record is cut after its database line.
        await using (var gzip = new GZipStream(File.Create(_path), CompressionLevel.Fastest))
        {
            await gzip.WriteAsync("db\nrp\nm v=1 1\ndb\n"u8.ToArray());
        }

        // Act
        var error = await FailureAsync();

        // Assert
        error.Message.Should().Be("record 2 (line 4) (byte offset 14): the record ends after its database line: the retention policy line is missing");
        error.Offset.Should().Be(14);
    }

    [Fact]
    public async Task ReadAsync_PointWithoutTimestamp_IsAnError()
    {
        // Arrange
        KapacitorRecording.WriteStream(_path, [("db", "rp", "m v=1")]);

        // Act
        var error = await FailureAsync();

        // Assert
        error.Message.Should().Contain("record 1").And.Contain("the point has no timestamp");
    }

    [Fact]
    public async Task ReadAsync_BadPoint_SaysWhatLineProtocolRuleItBreaks()
    {
        // Arrange
        KapacitorRecording.WriteStream(_path, [("db", "rp", "m v=1 1"), ("db", "rp", "m v=1u 2")]);

        // Act
        var error = await FailureAsync();

        // Assert
        error.Message.Should().StartWith("record 2 (line 4) (byte offset 14): bad point: line 6, column");
    }

    [Fact]
    public async Task ReadAsync_CorruptGzip_IsAnErrorWithTheOffsetReached()
    {
        // Arrange: a valid gzip header followed by garbage.
        await File.WriteAllBytesAsync(_path, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37]);

        // Act
        var error = await FailureAsync();

        // Assert
        error.Message.Should().StartWith("record 1 (byte offset 0): corrupt gzip data: ");
    }

    [Fact]
    public async Task ReadAsync_TruncatedGzip_IsAnError()
    {
        // Arrange: a good recording cut in the middle of its compressed data.
        KapacitorRecording.WriteStream(_path, Enumerable.Range(0, 2000).Select(i => ("db", "rp", $"m,i={i} v={i} {i}")));
        var bytes = await File.ReadAllBytesAsync(_path);
        await File.WriteAllBytesAsync(_path, bytes[..(bytes.Length / 2)]);

        // Act
        var act = async () =>
        {
            using var input = SimulatorInput.FromRecording(_path);
            return await InputReading.ReadAllAsync(input);
        };

        // Assert
        (await act.Should().ThrowAsync<RecordingException>()).Which.Message.Should().EndWith("corrupt gzip data: Found truncated data while decoding.");
    }
}
