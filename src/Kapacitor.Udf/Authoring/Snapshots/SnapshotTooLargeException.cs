namespace Kapacitor.Udf;

/// <summary>
/// A snapshot would be larger than the agent accepts back in a RestoreRequest, so it could never be restored. Thrown
/// while answering a SnapshotRequest; the agent then logs it and answers the last good snapshot instead.
/// </summary>
public sealed class SnapshotTooLargeException : InvalidOperationException
{
    /// <summary>Creates the error.</summary>
    /// <param name="size">The size of the RestoreRequest frame the snapshot would need, in bytes.</param>
    /// <param name="maxFrameSize">The largest frame the agent accepts.</param>
    public SnapshotTooLargeException(long size, long maxFrameSize)
        : base($"the snapshot needs a {size}-byte frame, more than the maximum frame size of {maxFrameSize} bytes (UdfAgentOptions.MaxFrameSize), so it could never be restored: keep less state, or raise the limit")
    {
        Size = size;
        MaxFrameSize = maxFrameSize;
    }

    /// <summary>The size of the RestoreRequest frame the snapshot would need, in bytes.</summary>
    public long Size { get; }

    /// <summary>The largest frame the agent accepts, in bytes.</summary>
    public long MaxFrameSize { get; }
}
