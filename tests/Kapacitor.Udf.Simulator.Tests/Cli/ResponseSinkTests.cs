using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Cli;

namespace Kapacitor.Udf.Simulator.Tests.Cli;

public sealed class ResponseSinkTests
{
    private static Point BatchPoint(double value)
    {
        var point = new Point { Time = 5 };
        point.Tags["host"] = "a";
        point.FieldsDouble["value"] = value;
        return point;
    }

    [Fact]
    public void LineProtocolSink_Batch_WritesItsPointsNamedAfterTheEndBatchWhenItEnds()
    {
        // Arrange
        using var output = new MemoryStream();
        using var sink = new LineProtocolSink(output);

        // Act
        sink.Write(new Response { Keepalive = new KeepaliveResponse { Time = 1 } });
        sink.Write(new Response { Begin = new BeginBatch { Name = "ignored", Size = 2 } });
        sink.Write(new Response { Point = BatchPoint(1) });
        sink.Flush();
        var beforeEnd = output.Length;
        var insideBatch = sink.TryWritePoint(BatchPoint(9).ToByteArray());
        sink.Write(new Response { Point = BatchPoint(2) });
        sink.Write(new Response { End = new EndBatch { Name = "cpu", Tmax = 10 } });
        sink.Flush();

        // Assert
        beforeEnd.Should().Be(0, "nothing reaches downstream before EndBatch");
        insideBatch.Should().BeFalse("a point inside a batch is decoded and kept until the batch ends");
        Encoding.UTF8.GetString(output.ToArray()).Should().Be("cpu,host=a value=1 5\ncpu,host=a value=2 5\n");
    }

    [Fact]
    public void LineProtocolSink_StreamPoints_EncodedOrNotComeOutInOrderOnlyWhenFlushedOrTheBufferIsFull()
    {
        // Arrange
        using var output = new MemoryStream();
        using var sink = new LineProtocolSink(output);
        var point = BatchPoint(1);
        point.Name = "cpu";

        // Act
        sink.TryWritePoint(point.ToByteArray()).Should().BeTrue();
        sink.Write(new Response { Point = point });
        var beforeFlush = output.Length;
        sink.Flush();

        // Assert
        beforeFlush.Should().Be(0);
        Encoding.UTF8.GetString(output.ToArray()).Should().Be("cpu,host=a value=1 5\ncpu,host=a value=1 5\n");
    }

    [Fact]
    public void JsonLinesSink_EveryMessage_IsOneJsonObjectPerLine()
    {
        // Arrange
        using var output = new MemoryStream();
        using var sink = new JsonLinesSink(output);
        var point = BatchPoint(double.NaN);
        point.FieldsInt["n"] = long.MaxValue;

        // Act
        sink.Write(new Response { Begin = new BeginBatch { Name = "cpu", Group = "host=a", Size = 1 } });
        sink.Write(new Response { Point = point });
        sink.Write(new Response { End = new EndBatch { Name = "cpu", Tmax = 10 } });
        sink.Write(new Response { Snapshot = new SnapshotResponse { Snapshot = Google.Protobuf.ByteString.CopyFromUtf8("hi") } });
        sink.Write(new Response());

        // Assert
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString())
            .Should().Equal("begin", "point", "end", "snapshot", "empty");
        var json = JsonDocument.Parse(lines[1]).RootElement;
        json.GetProperty("fieldsDouble").GetProperty("value").GetString().Should().Be("NaN");
        json.GetProperty("fieldsInt").GetProperty("n").GetInt64().Should().Be(long.MaxValue);
        json.GetProperty("tags").GetProperty("host").GetString().Should().Be("a");
        JsonDocument.Parse(lines[2]).RootElement.GetProperty("tmax").GetInt64().Should().Be(10);
        JsonDocument.Parse(lines[3]).RootElement.GetProperty("snapshot").GetString().Should().Be("aGk=");
    }
}
