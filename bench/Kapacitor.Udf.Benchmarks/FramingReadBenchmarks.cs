using System.Buffers;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Benchmarks;

/// <summary>
/// <see cref="VarintFrame.TryReadFrame"/> as the agent's reader uses it: many frames per buffer, read until it returns
/// false. Per frame (OperationsPerInvoke). Single segment, 4 KiB segments (a Pipe's usual size), and 7-byte segments
/// (every frame, and every 2-byte prefix of the 300-byte frames, split across segments: the worst case).
/// </summary>
[MemoryDiagnoser]
public class FramingReadBenchmarks
{
    private const int FrameCount = 1000;

    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _segments4K;
    private ReadOnlySequence<byte> _segments7;

    /// <summary>"point": 119-byte stream point frames (1-byte prefix). "restore300": 303-byte frames (2-byte prefix).</summary>
    [Params("point", "restore300")]
    public string Frame { get; set; } = "point";

    [GlobalSetup]
    public void Setup()
    {
        var snapshot = ByteString.CopyFrom(Enumerable.Range(0, 297).Select(i => (byte)i).ToArray());
        Func<int, IMessage> make = Frame == "point"
            ? SampleData.PointRequest
            : _ => new Request { Restore = new RestoreRequest { Snapshot = snapshot } };
        var bytes = SampleData.Frames(FrameCount, make);
        _single = new ReadOnlySequence<byte>(bytes);
        _segments4K = SampleData.Segmented(bytes, 4096);
        _segments7 = SampleData.Segmented(bytes, 7);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = FrameCount)]
    public long SingleSegment() => ReadAll(_single);

    [Benchmark(OperationsPerInvoke = FrameCount)]
    public long Segments4K() => ReadAll(_segments4K);

    [Benchmark(OperationsPerInvoke = FrameCount)]
    public long Segments7Bytes() => ReadAll(_segments7);

    // Sums the payload lengths (and checks the count), so no read can be optimized away.
    private static long ReadAll(ReadOnlySequence<byte> buffer)
    {
        long total = 0;
        var frames = 0;
        while (VarintFrame.TryReadFrame(ref buffer, VarintFrame.DefaultMaxFrameSize, out var payload))
        {
            total += payload.Length;
            frames++;
        }

        return frames == FrameCount && buffer.IsEmpty ? total : throw new InvalidOperationException($"read {frames} frames");
    }
}
