using Kapacitor.Udf.LoadTool.Workloads;

namespace Kapacitor.Udf.LoadTool.Verification;

/// <summary>One output point per input point: the input with <c>fieldsDouble = {avg: mean}</c>, compared byte for
/// byte with the frame Google.Protobuf encodes for it (built from a checked template, see <see cref="PointFrameTemplate"/>).</summary>
internal sealed class MovingAverageVerifier : IOutputVerifier
{
    private readonly PointFrameTemplate _template;
    private readonly double[] _values;
    private readonly ReferenceMovingAverage _average;
    private readonly byte[] _expected;

    public MovingAverageVerifier(PointFrameTemplate template, double[] values, int size)
    {
        _template = template;
        _values = values;
        _average = new ReferenceMovingAverage(size);
        _expected = new byte[template.Length];
    }

    public long ExpectedFrames => _values.Length;

    public long MatchedFrames { get; private set; }

    public bool IsComplete => MatchedFrames == _values.Length;

    public string? Failure { get; private set; }

    public bool Check(ReadOnlySpan<byte> payload)
    {
        if (Failure is not null)
        {
            return false;
        }

        var i = MatchedFrames;
        if (i >= _values.Length)
        {
            Failure = $"an extra data frame after all {_values.Length} expected ones: {Frames.Describe(payload)}";
            return false;
        }

        var average = _average.Update(_values[i]);
        _template.Write(_expected, SeriesData.TimeOf(i), average);
        var expected = _expected.AsSpan(_template.PayloadOffset);
        if (!payload.SequenceEqual(expected))
        {
            Failure = $"output point #{i} differs.\n  expected: {Frames.Describe(expected)}\n  received: {Frames.Describe(payload)}";
            return false;
        }

        MatchedFrames = i + 1;
        return true;
    }
}
