namespace Kapacitor.Udf.Framing;

/// <summary>The closed set of ways a byte stream can fail to be a sequence of frames.</summary>
public enum FrameError
{
    /// <summary>A length prefix ran past 10 bytes or overflowed 64 bits.</summary>
    VarintOverflow,

    /// <summary>A length prefix announced more bytes than the configured maximum frame size.</summary>
    FrameTooLarge,

    /// <summary>The input ended inside a length prefix.</summary>
    TruncatedLengthPrefix,

    /// <summary>The input ended inside a payload.</summary>
    TruncatedPayload,
}
