namespace Kapacitor.Udf;

/// <summary>
/// One agent's serial executor on the <see cref="HandlerThreads"/>: the worker loop and every continuation of a
/// handler call run here, one at a time, in order, each on whichever handler thread the strand has borrowed.
/// </summary>
/// <remarks>It is the <see cref="SynchronizationContext"/> of its work, so an <c>await</c> in a handler comes back
/// to the strand (never to the thread pool, never concurrently with the next call). A strand borrows a thread only
/// while it has items, and gives it back after <see cref="Quantum"/> items so busy connections share the threads
/// fairly.</remarks>
internal sealed class HandlerStrand : SynchronizationContext
{
    /// <summary>Items run per turn on a thread before the strand queues itself again behind the others.</summary>
    public const int Quantum = 16;

    private readonly HandlerThreads _threads;
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _items = new();
    private bool _scheduled;

    public HandlerStrand(HandlerThreads threads) => _threads = threads;

    /// <summary>Runs <paramref name="loop"/> on the strand.</summary>
    /// <returns>A task with the loop's outcome.</returns>
    public Task Start(Func<Task> loop)
    {
        // Completed inline: what waits for the loop continues where it ended, never through the thread pool.
        var done = new TaskCompletionSource();
        Post(static s =>
        {
            var (loop, done) = ((Func<Task>, TaskCompletionSource))s!;
            Task task;
            try
            {
                task = loop();
            }
            catch (Exception ex)
            {
                task = Task.FromException(ex);
            }

            // Completed on the thread that ends the loop: an await-style continuation would go to the thread pool
            // here (none is run inline while the strand is the current SynchronizationContext).
            task.ContinueWith(static (t, d) => ((TaskCompletionSource)d!).SetFromTask(t), done, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }, (loop, done));
        return done.Task;
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_items)
        {
            _items.Enqueue((d, state));
            if (_scheduled)
            {
                return;
            }

            _scheduled = true;
        }

        _threads.Schedule(this);
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("synchronous Send would deadlock the strand");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>On a handler thread: runs up to <see cref="Quantum"/> items, then gives the thread back.</summary>
    public void RunSome(HandlerThreads.Worker worker)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            for (var run = 0; run < Quantum; run++)
            {
                (SendOrPostCallback Callback, object? State) item;
                lock (_items)
                {
                    if (!_items.TryDequeue(out item))
                    {
                        _scheduled = false;
                        return;
                    }
                }

                worker.Started();
                item.Callback(item.State);
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }

        // More to do: behind every other strand waiting for a thread (this one takes the next, often itself).
        _threads.Requeue(this);
    }
}
