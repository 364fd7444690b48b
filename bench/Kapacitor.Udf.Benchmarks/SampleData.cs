using System.Buffers;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Benchmarks;

/// <summary>The data every benchmark uses: the same stream point the load tool sends (bench/Kapacitor.Udf.LoadTool,
/// MovingAverageWorkload.SamplePoint), so micro and end-to-end figures describe the same bytes.</summary>
internal static class SampleData
{
    /// <summary>2023-11-14T22:13:20Z in Unix ns; one point every 10 s.</summary>
    public const long BaseTime = 1_700_000_000_000_000_000;

    /// <summary>A Telegraf-like cpu point as Kapacitor sends it on a stream edge: measurement, database, retention
    /// policy, group of two dimensions, their two tags, one double field (a 118-byte Request payload).</summary>
    public static Point StreamPoint(int index, string field = "value", double? value = null) => new()
    {
        Time = BaseTime + (index * 10_000_000_000L),
        Name = "cpu",
        Database = "telegraf",
        RetentionPolicy = "autogen",
        Group = "dc=eu-west,host=web01",
        Dimensions = { "dc", "host" },
        Tags = { ["dc"] = "eu-west", ["host"] = "web01" },
        FieldsDouble = { [field] = value ?? 45 + (15 * Math.Sin(index / 57.0)) },
    };

    /// <summary>Request{point} for point <paramref name="index"/>.</summary>
    public static Request PointRequest(int index) => new() { Point = StreamPoint(index) };

    /// <summary>The moving average's answer to it: the same point with <c>fieldsDouble = {avg: …}</c>.</summary>
    public static Response AverageResponse(int index) => new() { Point = StreamPoint(index, "avg", 44.123456789 + index) };

    /// <summary>Request{init} for <c>@movingAverage().field('value').size(10).as('avg')</c>.</summary>
    public static Request MovingAverageInit() => new()
    {
        Init = new InitRequest
        {
            TaskID = "bench",
            NodeID = "movingAverage2",
            Options =
            {
                new Option { Name = "field", Values = { new OptionValue { Type = Protocol.ValueType.String, StringValue = "value" } } },
                new Option { Name = "size", Values = { new OptionValue { Type = Protocol.ValueType.Int, IntValue = 10 } } },
                new Option { Name = "as", Values = { new OptionValue { Type = Protocol.ValueType.String, StringValue = "avg" } } },
            },
        },
    };

    /// <summary>Frames of <paramref name="count"/> messages made by <paramref name="make"/>, back to back.</summary>
    public static byte[] Frames(int count, Func<int, IMessage> make)
    {
        var writer = new ArrayBufferWriter<byte>();
        for (var i = 0; i < count; i++)
        {
            VarintFrame.WriteFrame(writer, make(i));
        }

        return writer.WrittenSpan.ToArray();
    }

    /// <summary>The same bytes as a chain of segments of <paramref name="segmentSize"/> bytes (like a Pipe's).</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentSize)
    {
        Segment? first = null, last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentSize)
        {
            var memory = bytes.AsMemory(offset, Math.Min(segmentSize, bytes.Length - offset)).ToArray();
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
