using Google.Protobuf;
using Kapacitor.Udf.LoadTool.Verification;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Workloads;

/// <summary>
/// <c>batch|query(...).groupBy('host') @outliers().field('value').scale(1.5)</c>: B batches of P points of one group,
/// sent as Kapacitor sends batches (reference §2.6: begin; points with only time, group, tags and fields; end), and
/// the expected output of examples/Outliers: per batch, begin (size = number of outliers), the outlier points
/// unchanged, end.
/// </summary>
internal sealed class OutliersWorkload : IWorkload
{
    private const string Group = "host=web01";

    private readonly byte[] _expected;
    private readonly int[] _expectedOffsets;
    private readonly int[] _expectedBatchOf;

    public OutliersWorkload(int batches, int batchSize = 100, double scale = 1.5, int writeSize = 64 * 1024, ulong seed = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batches);
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        Batches = batches;
        BatchSize = batchSize;
        Scale = scale;
        Points = (long)batches * batchSize;

        InitFrame = Frames.Encode(new Request
        {
            Init = new InitRequest
            {
                TaskID = "load-outliers",
                NodeID = "outliers2",
                Options =
                {
                    new Option { Name = "field", Values = { new OptionValue { Type = Protocol.ValueType.String, StringValue = Field } } },
                    new Option { Name = "scale", Values = { new OptionValue { Type = Protocol.ValueType.Double, DoubleValue = scale } } },
                },
            },
        });

        var input = PointFrameTemplate.Create((time, value) => new Request { Point = BatchPoint(time, value) });
        var output = PointFrameTemplate.Create((time, value) => new Response { Point = BatchPoint(time, value) });
        var chunks = new ChunkBuilder(writeSize);
        var expected = new MemoryStream();
        var offsets = new List<int>();
        var batchOf = new List<int>();
        var random = new SplitMix64(seed);
        var values = new double[batchSize];
        var times = new long[batchSize];

        for (var b = 0; b < batches; b++)
        {
            FillBatch(ref random, values);
            var first = SeriesData.TimeOf((long)b * batchSize);
            for (var j = 0; j < batchSize; j++)
            {
                times[j] = SeriesData.TimeOf(((long)b * batchSize) + j);
            }

            var begin = new BeginBatch { Name = "cpu", Group = Group, Tags = { ["host"] = "web01" }, Size = batchSize };
            var end = new EndBatch { Name = "cpu", Group = Group, Tmax = batchSize > 0 ? times[^1] : first, Tags = { ["host"] = "web01" } };
            chunks.Add(Frames.Encode(new Request { Begin = begin }));
            for (var j = 0; j < batchSize; j++)
            {
                input.Write(chunks.Reserve(input.Length), times[j], values[j]);
                chunks.Commit(input.Length);
            }

            chunks.Add(Frames.Encode(new Request { End = end }));

            var outliers = ReferenceTukey.Outliers(values, scale);
            AddExpected(new Response { Begin = new BeginBatch(begin) { Size = outliers.Count } }.ToByteArray());
            foreach (var j in outliers)
            {
                AddExpected(output.ToArray(times[j], values[j]).AsSpan(output.PayloadOffset));
            }

            AddExpected(new Response { End = end }.ToByteArray());
            OutlierPoints += outliers.Count;

            void AddExpected(ReadOnlySpan<byte> payload)
            {
                offsets.Add((int)expected.Length);
                batchOf.Add(b);
                expected.Write(payload);
            }
        }

        offsets.Add((int)expected.Length);
        _expected = expected.ToArray();
        _expectedOffsets = [.. offsets];
        _expectedBatchOf = [.. batchOf];
        DataChunks = chunks.Build();
        DataBytes = chunks.TotalBytes;
    }

    public const string Field = "value";

    public string Name => "outliers";

    public long Points { get; }

    public int Batches { get; }

    public int BatchSize { get; }

    public double Scale { get; }

    /// <summary>How many points the UDF must send back in all.</summary>
    public long OutlierPoints { get; }

    public EdgeType Wants => EdgeType.Batch;

    public EdgeType Provides => EdgeType.Batch;

    public byte[] InitFrame { get; }

    public IReadOnlyList<ReadOnlyMemory<byte>> DataChunks { get; }

    public long DataBytes { get; }

    /// <summary>The payloads of the expected data frames back to back, and where each starts (plus the total length last).</summary>
    internal (byte[] Payloads, int[] Offsets) ExpectedOutput => (_expected, _expectedOffsets);

    public IOutputVerifier CreateVerifier() =>
        new FrameSequenceVerifier(_expected, _expectedOffsets, i => $"batch {_expectedBatchOf[i]}");

    /// <summary>A batch point as Kapacitor sends it: time, group, the point's full tags and its fields only.</summary>
    public static Point BatchPoint(long time, double value) => new()
    {
        Time = time,
        Group = Group,
        Tags = { ["dc"] = "eu-west", ["host"] = "web01" },
        FieldsDouble = { [Field] = value },
    };

    // Normal response times around 50 ms, plus 1-4 spikes or dips per batch at random places: every batch has
    // outliers to find and some to miss.
    private static void FillBatch(ref SplitMix64 random, double[] values)
    {
        for (var j = 0; j < values.Length; j++)
        {
            values[j] = Math.Max(0.001, random.NextNormal(50, 5));
        }

        if (values.Length < 3)
        {
            return;
        }

        var extremes = 1 + random.NextInt(4);
        for (var k = 0; k < extremes; k++)
        {
            var at = random.NextInt(values.Length);
            values[at] = random.NextInt(3) == 0 ? 1 + (10 * random.NextDouble()) : 80 + (40 * random.NextDouble());
        }
    }
}
