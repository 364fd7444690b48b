using Kapacitor.Udf.LoadTool.Workloads;

namespace Kapacitor.Udf.LoadTool.Verification;

/// <summary>Compares the data responses with a precomputed sequence of expected payloads, byte for byte.</summary>
internal sealed class FrameSequenceVerifier : IOutputVerifier
{
    private readonly byte[] _expected;
    private readonly int[] _offsets;
    private readonly Func<long, string>? _where;

    /// <param name="expected">The expected payloads, back to back.</param>
    /// <param name="offsets">Where each payload starts in <paramref name="expected"/>, plus its total length last.</param>
    /// <param name="where">Names frame <c>i</c> for a failure message ("batch 12, point 3 of 5").</param>
    public FrameSequenceVerifier(byte[] expected, int[] offsets, Func<long, string>? where = null)
    {
        _expected = expected;
        _offsets = offsets;
        _where = where;
    }

    public long ExpectedFrames => _offsets.Length - 1;

    public long MatchedFrames { get; private set; }

    public bool IsComplete => MatchedFrames == ExpectedFrames;

    public string? Failure { get; private set; }

    public bool Check(ReadOnlySpan<byte> payload)
    {
        if (Failure is not null)
        {
            return false;
        }

        var i = MatchedFrames;
        if (i >= ExpectedFrames)
        {
            Failure = $"an extra data frame after all {ExpectedFrames} expected ones: {Frames.Describe(payload)}";
            return false;
        }

        var expected = _expected.AsSpan(_offsets[i], _offsets[i + 1] - _offsets[i]);
        if (!payload.SequenceEqual(expected))
        {
            var where = _where is null ? "" : $" ({_where(i)})";
            Failure = $"output frame #{i}{where} differs.\n  expected: {Frames.Describe(expected)}\n  received: {Frames.Describe(payload)}";
            return false;
        }

        MatchedFrames = i + 1;
        return true;
    }
}
