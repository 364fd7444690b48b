namespace Kapacitor.Udf.Agent;

/// <summary>
/// Runs an async loop on its own thread: every continuation of the loop comes back to that thread.
/// </summary>
/// <remarks>
/// The reader and the worker must not depend on the thread pool: a handler (or the user's other code) that blocks
/// pool threads on a 2-core machine would otherwise delay keepalive answers past Kapacitor's timeout. The thread is
/// a background thread, so a hung handler call never keeps the process alive.
/// </remarks>
internal static class DedicatedThread
{
    /// <summary>Starts <paramref name="loop"/> on a new thread named <paramref name="name"/>.</summary>
    /// <returns>A task with the loop's outcome.</returns>
    public static Task Start(string name, Func<Task> loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => Run(loop, done)) { IsBackground = true, Name = name };
        thread.Start();
        return done.Task;
    }

    private static void Run(Func<Task> loop, TaskCompletionSource done)
    {
        var context = new SingleThreadSynchronizationContext();
        SynchronizationContext.SetSynchronizationContext(context);
        Task task;
        try
        {
            task = loop();
        }
        catch (Exception ex)
        {
            task = Task.FromException(ex);
        }

        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(context.Complete);
        context.RunUntilComplete();
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
