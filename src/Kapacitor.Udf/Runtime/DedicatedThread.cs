namespace Kapacitor.Udf;

/// <summary>
/// Runs an async loop on its own thread: every continuation of the loop comes back to that thread.
/// </summary>
/// <remarks>
/// Process mode's reader, its STDOUT pump and its lifecycle, and the server's accept loop must not depend on the
/// thread pool: user code that blocks pool threads would otherwise delay keepalive answers past Kapacitor's timeout,
/// or the process's exit. The returned task completes on the thread itself, when the loop has ended, so whatever
/// waits for it does not need the pool either. The thread is a background thread: it never keeps the process alive.
/// </remarks>
internal static class DedicatedThread
{
    /// <summary>Starts <paramref name="loop"/> on a new thread named <paramref name="name"/>.</summary>
    /// <returns>A task with the loop's outcome.</returns>
    public static Task Start(string name, Func<Task> loop) => Start(name, async () =>
    {
        await loop();
        return true;
    });

    /// <inheritdoc cref="Start(string, Func{Task})"/>
    public static Task<T> Start<T>(string name, Func<Task<T>> loop)
    {
        var done = new TaskCompletionSource<T>();
        var thread = new Thread(() => Run(loop, done)) { IsBackground = true, Name = name };
        thread.Start();
        return done.Task;
    }

    private static void Run<T>(Func<Task<T>> loop, TaskCompletionSource<T> done)
    {
        var context = new SingleThreadSynchronizationContext();
        SynchronizationContext.SetSynchronizationContext(context);
        Task<T> task;
        try
        {
            task = loop();
        }
        catch (Exception ex)
        {
            task = Task.FromException<T>(ex);
        }

        // Completes the context on this thread. (An await-style continuation would go to the thread pool here: none is
        // run inline while a custom SynchronizationContext is current, nor registered on a task already complete.)
        task.ContinueWith(static (_, c) => ((SingleThreadSynchronizationContext)c!).Complete(), context, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        context.RunUntilComplete();
        // Whatever waits for the loop continues right here, inline, so it does not need the thread pool either.
        SynchronizationContext.SetSynchronizationContext(null);
        done.SetFromTask(task);
    }

    private sealed class SingleThreadSynchronizationContext : SynchronizationContext
    {
        private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
        private bool _completed;

        public override void Post(SendOrPostCallback d, object? state)
        {
            lock (_queue)
            {
                if (!_completed)
                {
                    _queue.Enqueue((d, state));
                    Monitor.Pulse(_queue);
                    return;
                }
            }

            // A continuation of user code that outlived the loop (a fire-and-forget task started by a handler)
            // still has to run somewhere.
            ThreadPool.QueueUserWorkItem(static s => s.d(s.state), (d, state), preferLocal: false);
        }

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("synchronous Send would deadlock the agent's thread");

        public override SynchronizationContext CreateCopy() => this;

        public void Complete()
        {
            lock (_queue)
            {
                _completed = true;
                Monitor.Pulse(_queue);
            }
        }

        public void RunUntilComplete()
        {
            while (true)
            {
                (SendOrPostCallback Callback, object? State) item;
                lock (_queue)
                {
                    while (_queue.Count == 0)
                    {
                        if (_completed)
                        {
                            return;
                        }

                        Monitor.Wait(_queue);
                    }

                    item = _queue.Dequeue();
                }

                item.Callback(item.State);
            }
        }
    }
}
