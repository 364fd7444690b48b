using Google.Protobuf;
using Kapacitor.Udf.LoadTool.Verification;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Workloads;

/// <summary>
/// <c>stream|from().measurement('cpu').groupBy('dc','host') @movingAverage().field('value').size(10).as('avg')</c>:
/// one group, N stream points fully populated as Kapacitor sends them (reference §2.6), and the expected output of
/// examples/MovingAverage: the same point with <c>fieldsDouble = {avg: mean}</c>, one per input.
/// </summary>
internal sealed class MovingAverageWorkload : IWorkload
{
    private readonly PointFrameTemplate _output;
    private readonly double[] _values;

    public MovingAverageWorkload(int points, int size = 10, int writeSize = 64 * 1024, ulong seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(points);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Points = points;
        Size = size;
        _values = SeriesData.Usage(points, seed);

        InitFrame = Frames.Encode(new Request
        {
            Init = new InitRequest
            {
                TaskID = "load-moving-average",
                NodeID = "movingAverage2",
                Options =
                {
                    StringOption("field", Field),
                    new Option { Name = "size", Values = { new OptionValue { Type = Protocol.ValueType.Int, IntValue = size } } },
                    StringOption("as", As),
                },
            },
        });

        var input = PointFrameTemplate.Create((time, value) => new Request { Point = SamplePoint(time, Field, value) });
        _output = PointFrameTemplate.Create((time, value) => new Response { Point = SamplePoint(time, As, value) });
        FrameLength = input.Length;

        var chunks = new ChunkBuilder(writeSize);
        for (var i = 0; i < points; i++)
        {
            input.Write(chunks.Reserve(input.Length), SeriesData.TimeOf(i), _values[i]);
            chunks.Commit(input.Length);
        }

        DataChunks = chunks.Build();
        DataBytes = chunks.TotalBytes;
    }

    public const string Field = "value";

    public const string As = "avg";

    public string Name => "moving-average";

    public long Points { get; }

    public int Size { get; }

    /// <summary>The size of one input point frame, prefix included.</summary>
    public int FrameLength { get; }

    public EdgeType Wants => EdgeType.Stream;

    public EdgeType Provides => EdgeType.Stream;

    public byte[] InitFrame { get; }

    public IReadOnlyList<ReadOnlyMemory<byte>> DataChunks { get; }

    public long DataBytes { get; }

    /// <summary>A snapshot of examples/MovingAverage (envelope, format version 1, its JSON) with full windows for 100
    /// groups that the data never uses, so the outputs stay the expected ones.</summary>
    public byte[]? RestoreFrame { get; } = Frames.Encode(new Request { Restore = new RestoreRequest { Snapshot = ByteString.CopyFrom(RestoredWindows(100)) } });

    public IOutputVerifier CreateVerifier() => new MovingAverageVerifier(_output, _values, Size);

    private static byte[] RestoredWindows(int groups)
    {
        var json = new System.Text.StringBuilder("{");
        for (var g = 0; g < groups; g++)
        {
            json.Append(g == 0 ? "" : ",").Append("\"restored=").Append(g).Append("\":{\"size\":10,\"window\":[1,2,3,4,5,6,7,8,9,10],\"avg\":5.5}");
        }

        byte[] header = [0xC4, (byte)'U', (byte)'D', (byte)'F', 1, 1, 0, 0, 0];
        return [.. header, .. System.Text.Encoding.UTF8.GetBytes(json.Append('}').ToString())];
    }

    /// <summary>A typical Telegraf cpu point: measurement, database, retention policy, group of two dimensions,
    /// their two tags, and one double field.</summary>
    public static Point SamplePoint(long time, string field, double value) => new()
    {
        Time = time,
        Name = "cpu",
        Database = "telegraf",
        RetentionPolicy = "autogen",
        Group = "dc=eu-west,host=web01",
        Dimensions = { "dc", "host" },
        Tags = { ["dc"] = "eu-west", ["host"] = "web01" },
        FieldsDouble = { [field] = value },
    };

    private static Option StringOption(string name, string value) =>
        new() { Name = name, Values = { new OptionValue { Type = Protocol.ValueType.String, StringValue = value } } };
}
