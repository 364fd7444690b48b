namespace Kapacitor.Udf;

/// <summary>
/// Bounds the bytes held by large requests waiting in the agent's queue: together they may take at most one maximum
/// frame, so a queue of N huge frames (restores, giant points) cannot hold N × <see cref="UdfAgentOptions.MaxFrameSize"/>.
/// </summary>
/// <remarks>
/// Small requests are bounded by the queue's capacity alone and never come here, so the per-point path takes no
/// lock. A request that does not fit waits (the reader stops reading: back-pressure) until the worker has handled
/// enough of the queue; a single request always fits an empty budget, so nothing waits forever. One reader reserves,
/// one worker releases.
/// </remarks>
internal sealed class QueueBudget
{
    private readonly long _capacity;
    private readonly Lock _lock = new();
    private long _reserved;
    private TaskCompletionSource? _released;

    public QueueBudget(long capacity) => _capacity = capacity;

    /// <summary>Whether the reader is waiting for room (back-pressure in force); for tests and diagnostics.</summary>
    public bool IsWaiting { get; private set; }

    /// <summary>Reserves <paramref name="bytes"/>, waiting while the queued large requests leave no room.</summary>
    public async ValueTask ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task released;
            lock (_lock)
            {
                if (_reserved == 0 || _reserved + bytes <= _capacity)
                {
                    _reserved += bytes;
                    IsWaiting = false;
                    return;
                }

                IsWaiting = true;
                // Completed inline by the worker: the reader's own await returns it to its thread (never via the thread pool).
                released = (_released ??= new TaskCompletionSource()).Task;
            }

            await released.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Gives back what a handled request reserved.</summary>
    public void Release(long bytes)
    {
        TaskCompletionSource? released;
        lock (_lock)
        {
            _reserved -= bytes;
            released = _released;
            _released = null;
        }

        released?.TrySetResult();
    }
}
