namespace Kapacitor.Udf.LoadTool.Verification;

/// <summary>Checks a UDF's data responses, in order, against what they must be, byte for byte.</summary>
/// <remarks>Called from one thread (the tool's reader). Cheap per frame: it runs while the UDF is being measured.</remarks>
internal interface IOutputVerifier
{
    /// <summary>How many data frames the run must produce.</summary>
    long ExpectedFrames { get; }

    /// <summary>How many frames have matched so far.</summary>
    long MatchedFrames { get; }

    /// <summary>Every expected frame has arrived and matched.</summary>
    bool IsComplete { get; }

    /// <summary>The first mismatch, described for a human; <see langword="null"/> while all is well.</summary>
    string? Failure { get; }

    /// <summary>Checks the next data frame's payload (the frame without its length prefix: the frame reader has
    /// checked that the prefix announced exactly these bytes).</summary>
    /// <returns><see langword="false"/> on the first mismatch (then <see cref="Failure"/> says why) or on a frame
    /// beyond the expected ones.</returns>
    bool Check(ReadOnlySpan<byte> payload);
}
