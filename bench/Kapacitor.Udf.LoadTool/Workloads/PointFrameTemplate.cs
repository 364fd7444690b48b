using System.Buffers.Binary;
using Google.Protobuf;
using Kapacitor.Udf.Framing;

namespace Kapacitor.Udf.LoadTool.Workloads;

/// <summary>
/// The frames of one series differ only in the point's time and one double field. Encoding one with Google.Protobuf
/// and patching those two slots yields, at memcpy speed, the exact bytes Google.Protobuf would produce for every
/// other point: so the tool can pre-encode millions of inputs and check millions of outputs byte for byte without
/// becoming the bottleneck on a 2-core machine.
/// </summary>
/// <remarks>
/// Sound because (1) every time lies in [2^56, 2^63), a 9-byte varint, and a double is always 8 bytes, so all
/// frames have one length and one layout; (2) <see cref="Create"/> finds each slot as the unique occurrence of a
/// sentinel's bytes, and then checks the patched bytes against a full Google.Protobuf encoding for a spread of
/// times and values, refusing to run if they ever differ.
/// </remarks>
internal sealed class PointFrameTemplate
{
    private const long MinTime = 1L << 56;
    private const long SentinelTime = SeriesData.BaseTime + 123_456_789_012;
    private const double SentinelValue = 314_159.265_358_979;

    private readonly byte[] _template;
    private readonly int _timeOffset;
    private readonly int _valueOffset;

    private PointFrameTemplate(byte[] template, int payloadOffset, int timeOffset, int valueOffset)
    {
        _template = template;
        PayloadOffset = payloadOffset;
        _timeOffset = timeOffset;
        _valueOffset = valueOffset;
    }

    /// <summary>The length of every frame, prefix included.</summary>
    public int Length => _template.Length;

    /// <summary>Where the payload starts in every frame: the length of the prefix.</summary>
    public int PayloadOffset { get; }

    /// <summary>Builds the template from <paramref name="build"/>, which makes the whole message (a Request or a
    /// Response) for a time and a value.</summary>
    /// <exception cref="InvalidOperationException">The message's encoding is not a fixed layout with two slots.</exception>
    public static PointFrameTemplate Create(Func<long, double, IMessage> build)
    {
        var message = build(SentinelTime, SentinelValue);
        var frame = Frames.Encode(message);
        Span<byte> time = stackalloc byte[VarintFrame.MaxPrefixLength];
        time = time[..VarintFrame.WriteVarint(time, SentinelTime)];
        Span<byte> value = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(value, SentinelValue);

        var template = new PointFrameTemplate(frame, frame.Length - message.CalculateSize(), UniqueOffset(frame, time, "time"), UniqueOffset(frame, value, "value"));
        template.CheckAgainstProtobuf(build);
        return template;
    }

    /// <summary>Writes the frame for (<paramref name="time"/>, <paramref name="value"/>) into <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination, long time, double value)
    {
        if (time < MinTime)
        {
            throw new ArgumentOutOfRangeException(nameof(time), "times must be at least 2^56 ns so they encode as 9 bytes");
        }

        if (BitConverter.DoubleToInt64Bits(value) == 0)
        {
            // proto3 leaves a default map value out of the entry, which changes the frame's length.
            throw new ArgumentOutOfRangeException(nameof(value), "+0.0 is not encoded by proto3, so it has no slot");
        }

        _template.CopyTo(destination);
        VarintFrame.WriteVarint(destination[_timeOffset..], (ulong)time);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[_valueOffset..], value);
    }

    /// <summary>The frame for (<paramref name="time"/>, <paramref name="value"/>) as a new array.</summary>
    public byte[] ToArray(long time, double value)
    {
        var frame = new byte[Length];
        Write(frame, time, value);
        return frame;
    }

    private static int UniqueOffset(byte[] frame, ReadOnlySpan<byte> sentinel, string what)
    {
        var first = frame.AsSpan().IndexOf(sentinel);
        var last = frame.AsSpan().LastIndexOf(sentinel);
        if (first < 0 || first != last)
        {
            throw new InvalidOperationException($"the {what} slot is not unique in the template frame {Frames.Hex(frame)}");
        }

        return first;
    }

    private void CheckAgainstProtobuf(Func<long, double, IMessage> build)
    {
        var random = new SplitMix64(7);
        double[] values = [-0.0, 1, 0.1, 99.999, double.Epsilon, double.MaxValue, double.NaN, random.NextDouble(), random.NextNormal(50, 5)];
        long[] times = [MinTime, SeriesData.BaseTime, SeriesData.TimeOf(10_000_000), long.MaxValue, SeriesData.BaseTime + (long)(random.Next() % 1_000_000_000_000)];
        var patched = new byte[Length];
        foreach (var time in times)
        {
            foreach (var value in values)
            {
                var expected = Frames.Encode(build(time, value));
                Write(patched, time, value);
                if (!expected.AsSpan().SequenceEqual(patched))
                {
                    throw new InvalidOperationException(
                        $"the frame template disagrees with Google.Protobuf for time {time}, value {value}: {Frames.Hex(expected)} vs {Frames.Hex(patched)}");
                }
            }
        }
    }
}
