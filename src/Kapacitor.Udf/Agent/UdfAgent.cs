using System.IO.Pipelines;
using System.Threading.Channels;
using Serilog;

namespace Kapacitor.Udf;

/// <summary>
/// Speaks Kapacitor's UDF protocol for one connection (a process's STDIN/STDOUT or one socket connection),
/// calling one <see cref="IUdfHandler"/>.
/// </summary>
/// <remarks>
/// <para><b>Parts.</b> A <see cref="RequestReader"/> decodes frames, answers keepalives itself and queues every other
/// request; a <see cref="HandlerWorker"/> calls the handler, one call at a time, in input order, on a handler thread
/// borrowed while there is work; a <see cref="ResponseWriter"/> owns the output; the process-wide
/// <see cref="AgentSweeper"/> flushes data pending longer than <see cref="UdfAgentOptions.MaxOutputDelay"/>, sends
/// heartbeats while a call runs long and fires the drain deadline. This class keeps only the lifecycle and the first
/// failure. See docs/architecture.md.</para>
/// <para><b>Threads.</b> The reader awaits the input on the thread pool, so give it a <see cref="PipeReader"/> whose
/// reads are asynchronous (a <see cref="Pipe"/>, a socket); <c>UdfHost</c> reads STDIN on a thread of its own.</para>
/// <para><b>Ending.</b> Input EOF: the queue is finished, <see cref="IUdfHandler.StopAsync"/> is called, the output
/// is flushed and completed: success. A fatal error (bad frame, handler exception, hung call): one ErrorResponse,
/// no further handler calls except Stop, input discarded until EOF: failure. Either way the drain is bounded by
/// <see cref="UdfAgentOptions.DrainTimeout"/>, past which the agent gives up rather than linger.</para>
/// </remarks>
public sealed class UdfAgent
{
    private readonly UdfAgentOptions _options;
    private readonly Func<UdfHandlerContext, IUdfHandler> _handlerFactory;
    private readonly bool _readerThread;
    private readonly Channel<QueuedRequest> _queue;
    private readonly QueueBudget _largeRequests;
    private readonly InputActivity _activity = new();
    private readonly RequestDecoder _decoder;
    private readonly AgentSweeper _sweeper;
    private readonly ResponseWriter _writer;
    private readonly KeepaliveMonitor _monitor;
    private readonly RequestReader _reader;
    private readonly CancellationTokenSource _stopping = new();
    // Continuations run on the thread that completes these (a sweep, a dying reader or worker): the lifecycle's waits
    // must not need the thread pool, which user code may starve (process mode runs RunAsync on a thread of its own).
    private readonly TaskCompletionSource<AgentFailure> _abandoned = new();
    private readonly TaskCompletionSource _workerHung = new();
    private AgentFailure? _failure;
    private int _started;

    /// <summary>Creates an agent over a connection's two pipes. Nothing runs until <see cref="RunAsync"/>.</summary>
    /// <param name="input">Kapacitor's requests, read asynchronously on the thread pool.</param>
    /// <param name="output">Where responses go; completed when the agent ends.</param>
    /// <param name="handlerFactory">Creates the handler for this connection, given its context.</param>
    /// <param name="options">Limits and collaborators; defaults when <see langword="null"/>.</param>
    public UdfAgent(PipeReader input, PipeWriter output, Func<UdfHandlerContext, IUdfHandler> handlerFactory, UdfAgentOptions? options = null)
        : this(input, output, handlerFactory, options, readerThread: false)
    {
    }

    // readerThread: read on a dedicated thread, for an input whose reads block (STDIN).
    internal UdfAgent(PipeReader input, PipeWriter output, Func<UdfHandlerContext, IUdfHandler> handlerFactory, UdfAgentOptions? options, bool readerThread)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(handlerFactory);
        _options = options ?? new UdfAgentOptions();
        _options.Validate();
        _handlerFactory = handlerFactory;
        _readerThread = readerThread;
        Log = _options.Logger;
        _queue = Channel.CreateBounded<QueuedRequest>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _largeRequests = new QueueBudget(_options.MaxFrameSize);
        _decoder = new RequestDecoder(Log);
        _sweeper = AgentSweeper.For(_options.TimeProvider);
        _writer = new ResponseWriter(output, _options, _activity, _sweeper, OnOutputLost);
        _monitor = new KeepaliveMonitor(_options, _writer, _activity, _sweeper, OnHandlerHung, reason => _abandoned.TrySetResult(new AgentFailure(UdfFailureReason.DrainTimedOut, reason)));
        _reader = new RequestReader(this, input, _queue.Writer, _largeRequests, _activity, _writer, _monitor, _decoder);
        Context = new UdfHandlerContext(this, _writer, Log, _stopping.Token);
    }

    /// <summary>Runs the protocol until the input ends or the agent fails. Call once.</summary>
    /// <param name="cancellationToken">Abandons the connection at once (no drain).</param>
    /// <returns>How the run ended; never throws for protocol or handler errors.</returns>
    public async Task<UdfAgentResult> RunAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("an agent runs once");
        }

        await using var cancel = cancellationToken.Register(() => _abandoned.TrySetResult(new AgentFailure(UdfFailureReason.Cancelled, "the agent was cancelled")));
        _sweeper.Register(_monitor);
        try
        {
            if (await StartAsync() is { } running && await Task.WhenAny(running, _abandoned.Task) == running)
            {
                await FinishAsync();
            }

            if (_abandoned.Task.IsCompleted)
            {
                GiveUp(await _abandoned.Task);
            }
        }
        finally
        {
            _sweeper.Unregister(_monitor);
        }

        _stopping.Cancel();
        return _failure is { } failure ? new UdfAgentResult(failure.Reason, failure.Error) : UdfAgentResult.Success;
    }

    /// <summary>Starts the bounded drain without closing anything: the agent keeps serving until its input ends,
    /// and gives up if that takes longer than the drain timeout. Used for SIGTERM/SIGINT in process mode.</summary>
    /// <param name="reason">Logged, and reported if the deadline passes.</param>
    public void BeginDrain(string reason)
    {
        Log.Information("{Reason}: serving until the input ends", reason);
        StartDrain(reason);
    }

    /// <summary>The handler's view of this agent.</summary>
    internal UdfHandlerContext Context { get; }

    /// <summary>The current logger: with the task and node once Init has named them.</summary>
    internal ILogger Log { get; private set; }

    /// <summary>Cancelled when the agent stops or fails.</summary>
    internal CancellationToken Stopping => _stopping.Token;

    internal bool HasFailed => Volatile.Read(ref _failure) is not null;

    /// <summary>The largest frame accepted, which every snapshot must fit (see <see cref="UdfHandlerContext.MaxFrameSize"/>).</summary>
    internal long MaxFrameSize => _options.MaxFrameSize;

    /// <summary>Whether nothing is in hand, queued or being handled; for tests.</summary>
    internal bool IsInputIdle => _activity.IsIdle;

    /// <summary>Whether the reader is waiting for queued large requests to be handled (back-pressure); for tests.</summary>
    internal bool IsWaitingForQueueRoom => _largeRequests.IsWaiting;

    /// <summary>Init named the task and node: every later log line carries them.</summary>
    internal void SetTask(string taskId, string nodeId)
    {
        Log = _options.Logger.ForContext("TaskId", taskId).ForContext("NodeId", nodeId);
        Context.SetTask(taskId, nodeId, Log);
    }

    /// <summary>The first fatal error: one ErrorResponse, then no more handler calls and input discarded.</summary>
    internal async ValueTask FailAsync(AgentFailure failure)
    {
        var log = Log.ForContext("Reason", failure.Reason);
        if (Interlocked.CompareExchange(ref _failure, failure, null) is not null)
        {
            log.Warning(failure.Exception, "After the first error, also: {Error}", failure.Error);
            return;
        }

        log.Error(failure.Exception, "{Error}", failure.Error);
        StartDrain(failure.Error);
        _stopping.Cancel();
        // One lock hold for both: an emitter on another thread must not slip a frame in after the error.
        await _writer.WriteErrorAndCompleteAsync(failure.Error, $"the agent failed: {failure.Error}");
    }

    /// <summary>Starts the drain deadline (the first reason wins).</summary>
    internal void StartDrain(string reason) => _monitor.StartDrainDeadline(_options.DrainTimeout ?? _monitor.EstimatedTimeout, reason);

    // The handler is created on its strand, so user code never runs on the caller's thread or the pool's; then the
    // reader starts. Null when the factory failed (already reported) or the agent was abandoned meanwhile.
    private async Task<Task?> StartAsync()
    {
        var created = new TaskCompletionSource<bool>();
        var working = new HandlerStrand(HandlerThreads.Shared).Start(() => WorkAsync(created));
        if (await Task.WhenAny(created.Task, _abandoned.Task) != created.Task || !await created.Task)
        {
            return null;
        }

        var reading = _readerThread ? DedicatedThread.Start("udf-reader", _reader.RunAsync) : Task.Run(_reader.RunAsync);
        return Task.WhenAll(reading, Task.WhenAny(working, _workerHung.Task));
    }

    // On the strand: the handler factory (watched like a call: heartbeats, the maximum handler time), then the worker.
    private async Task WorkAsync(TaskCompletionSource<bool> created)
    {
        IUdfHandler handler;
        _monitor.CallStarted("handler factory");
        try
        {
            handler = _handlerFactory(Context);
        }
        catch (Exception ex)
        {
            await FailAsync(new AgentFailure(UdfFailureReason.HandlerFactoryFailed, AgentFailure.Describe("handler factory", ex), ex));
            await FinishAsync();
            created.SetResult(false);
            return;
        }
        finally
        {
            _monitor.CallFinished();
        }

        if (handler.PointOwnership == PointOwnership.Borrowed)
        {
            _decoder.ReusePoints();
        }

        created.SetResult(true);
        await new HandlerWorker(this, handler, _queue.Reader, _largeRequests, _activity, _writer, _monitor, _decoder).RunAsync();
    }

    private async Task FinishAsync()
    {
        var complete = _writer.CompleteAsync("the agent has stopped").AsTask();
        await Task.WhenAny(complete, _abandoned.Task);
        if (_writer.DroppedHeldFrames > 0)
        {
            Log.Warning("Dropped {Frames} data frame(s) emitted before Kapacitor could receive data (Info-only connection or no Init)", _writer.DroppedHeldFrames);
        }
    }

    private void GiveUp(AgentFailure why)
    {
        Log.ForContext("Reason", why.Reason).Error("Giving up on the connection: {Error}", why.Error);
        Interlocked.CompareExchange(ref _failure, why, null);
        _writer.Abort(new TimeoutException(why.Error));
        // Ends the output stream once any stuck writer lets go; not awaited, since one may never let go.
        _ = _writer.CompleteAsync(why.Error).AsTask();
    }

    private void OnOutputLost(Exception ex)
    {
        Interlocked.CompareExchange(ref _failure, new AgentFailure(UdfFailureReason.OutputClosed, $"write error: {ex.Message}", ex), null);
        _abandoned.TrySetResult(new AgentFailure(UdfFailureReason.OutputClosed, $"the output is closed: {ex.Message}", ex));
    }

    // On the sweeper: the failure (and the user code its cancellation runs) goes to the thread pool.
    private void OnHandlerHung(string method, TimeSpan running)
    {
        _workerHung.TrySetResult();
        var error = $"{method}: handler call has run for {running.TotalSeconds:0.#}s, longer than the maximum handler time of {_options.MaxHandlerTime.TotalSeconds:0.#}s";
        _ = Task.Run(() => FailAsync(new AgentFailure(UdfFailureReason.HandlerHung, error)).AsTask());
    }
}
