namespace Kapacitor.Udf;

/// <summary>
/// The one place that knows whether the input side is idle: requests the reader has in hand or has queued, and the
/// call the worker is in, counted together. Zero means nothing more is coming soon, so pending data should go out.
/// </summary>
/// <remarks>The reader counts a buffer of frames while it dispatches them and each request it queues; the worker
/// uncounts each request once handled. Whoever brings the count to zero tells the writer
/// (<see cref="ResponseWriter.FlushIfIdleAsync"/>), which re-checks under its lock, so of two sides going idle at
/// once exactly one flush happens.</remarks>
internal sealed class InputActivity
{
    private int _inFlight;

    /// <summary>Nothing in hand, queued or being handled.</summary>
    public bool IsIdle => Volatile.Read(ref _inFlight) == 0;

    /// <summary>One more piece of input in hand.</summary>
    public void Begin() => Interlocked.Increment(ref _inFlight);

    /// <summary>One piece of input done.</summary>
    /// <returns>Whether the input side is now idle.</returns>
    public bool End() => Interlocked.Decrement(ref _inFlight) == 0;
}
