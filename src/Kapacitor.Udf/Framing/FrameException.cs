namespace Kapacitor.Udf.Framing;

/// <summary>
/// The byte stream is not a valid sequence of frames. The stream cannot be resynchronised
/// after this (there is no delimiter to search for), so the connection must end.
/// </summary>
public sealed class FrameException : Exception
{
    private FrameException(FrameError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Which rule the stream broke.</summary>
    public FrameError Error { get; }

    internal static FrameException VarintOverflow() =>
        new(FrameError.VarintOverflow,
            $"frame length prefix is longer than {VarintFrame.MaxPrefixLength} bytes or overflows 64 bits");

    internal static FrameException TooLarge(ulong length, long maxFrameSize) =>
        new(FrameError.FrameTooLarge,
            $"frame length {length} bytes exceeds the maximum frame size of {maxFrameSize} bytes");

    internal static FrameException TruncatedPrefix(long prefixBytes) =>
        new(FrameError.TruncatedLengthPrefix,
            $"input ended inside a frame length prefix after {prefixBytes} byte(s)");

    internal static FrameException TruncatedPayload(ulong length, long received) =>
        new(FrameError.TruncatedPayload,
            $"input ended inside a frame: expected {length} payload bytes, got {received} ({(long)length - received} missing)");
}
