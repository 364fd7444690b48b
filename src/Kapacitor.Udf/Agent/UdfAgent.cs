using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Threading.Channels;
using Kapacitor.Udf.Protocol;
using Serilog;

namespace Kapacitor.Udf.Agent;

/// <summary>
/// Speaks Kapacitor's UDF protocol for one connection (a process's STDIN/STDOUT or one socket connection),
/// calling one <see cref="IUdfHandler"/>.
/// </summary>
/// <remarks>
/// <para><b>Threads.</b> A reader thread decodes frames, answers keepalives itself and queues every other request;
/// a worker thread calls the handler, one call at a time, in input order; a monitor thread sends heartbeats while a
/// call runs long. All output goes through one <see cref="ResponseWriter"/> lock. See docs/architecture.md.</para>
/// <para><b>Ending.</b> Input EOF: the queue is finished, <see cref="IUdfHandler.StopAsync"/> is called, the output
/// is flushed and completed: success. A fatal error (bad frame, handler exception, hung call): one ErrorResponse,
/// no further handler calls except Stop, input discarded until EOF: failure. Either way the drain is bounded by
/// <see cref="UdfAgentOptions.DrainTimeout"/>, past which the agent gives up rather than linger.</para>
/// </remarks>
public sealed partial class UdfAgent
{
    private readonly PipeReader _input;
    private readonly UdfAgentOptions _options;
    private readonly Func<UdfContext, IUdfHandler> _handlerFactory;
    private readonly ResponseWriter _writer;
    private readonly KeepaliveMonitor _monitor;
    private readonly Channel<QueuedRequest> _queue;
    private readonly QueueBudget _largeRequests;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<(UdfFailureReason, string)> _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _workerHung = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly UdfContext _context;
    private ILogger _log;
    private Failure? _failure;
    private int _drainStarted;
    private int _started;

    /// <summary>Creates an agent over a connection's two pipes. Nothing runs until <see cref="RunAsync"/>.</summary>
    /// <param name="input">Kapacitor's requests.</param>
    /// <param name="output">Where responses go; completed when the agent ends.</param>
    /// <param name="handlerFactory">Creates the handler for this connection, given its context.</param>
    /// <param name="options">Limits and collaborators; defaults when <see langword="null"/>.</param>
    public UdfAgent(PipeReader input, PipeWriter output, Func<UdfContext, IUdfHandler> handlerFactory, UdfAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(handlerFactory);
        _options = options ?? new UdfAgentOptions();
        _options.Validate();
        _input = input;
        _handlerFactory = handlerFactory;
        _log = _options.Logger;
        _queue = Channel.CreateBounded<QueuedRequest>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _largeRequests = new QueueBudget(_options.MaxFrameSize);
        _writer = new ResponseWriter(output, _options.FlushThresholdBytes, _options.MaxHeldDataBytes, () => _queue.Reader.Count > 0, OnOutputLost);
        _monitor = new KeepaliveMonitor(_options.TimeProvider, _options.DefaultKeepaliveTimeout, _options.MaxHandlerTime, _log, _writer, OnHandlerHung);
        _context = new UdfContext(this, _writer, _log, _stopping.Token);
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

        await using var cancel = cancellationToken.Register(() => _abandoned.TrySetResult((UdfFailureReason.Cancelled, "the agent was cancelled")));
        IUdfHandler handler;
        try
        {
            handler = _handlerFactory(_context);
        }
        catch (Exception ex)
        {
            _monitor.Stop();
            await FailAsync(UdfFailureReason.HandlerFactoryFailed, DescribeFailure("handler factory", ex), ex);
            await FinishAsync();
            return Result;
        }

        if (handler.PointOwnership == PointOwnership.Borrowed)
        {
            _requestPool = new ConcurrentQueue<Request>();
        }

        var monitor = DedicatedThread.Start("udf-monitor", _monitor.RunAsync);
        var reader = DedicatedThread.Start("udf-reader", ReadLoopAsync);
        var worker = DedicatedThread.Start("udf-worker", () => WorkLoopAsync(handler));

        var done = Task.WhenAll(reader, Task.WhenAny(worker, _workerHung.Task));
        if (await Task.WhenAny(done, _abandoned.Task) == done)
        {
            await FinishAsync();
        }

        _monitor.Stop();
        await monitor;
        if (_abandoned.Task.IsCompleted)
        {
            var (why, reason) = await _abandoned.Task;
            _log.ForContext("Reason", why).Error("Giving up on the connection: {Error}", reason);
            RecordFailure(why, reason);
            _writer.Abort(new TimeoutException(reason));
            // Ends the output stream once any stuck writer lets go; not awaited, since one may never let go.
            _ = _writer.CompleteAsync(reason).AsTask();
        }

        _stopping.Cancel();
        return Result;
    }

    /// <summary>Starts the bounded drain without closing anything: the agent keeps serving until its input ends,
    /// and gives up if that takes longer than the drain timeout. Used for SIGTERM/SIGINT in process mode.</summary>
    /// <param name="reason">Logged, and reported if the deadline passes.</param>
    public void BeginDrain(string reason)
    {
        _log.Information("{Reason}: serving until the input ends", reason);
        StartDrainClock(reason);
    }

    /// <summary>The largest frame accepted, which every snapshot must fit (see <see cref="UdfContext.MaxFrameSize"/>).</summary>
    internal long MaxFrameSize => _options.MaxFrameSize;

    /// <summary>Whether the reader is waiting for queued large requests to be handled (back-pressure); for tests.</summary>
    internal bool IsWaitingForQueueRoom => _largeRequests.IsWaiting;

    internal static string DescribeFailure(string method, Exception ex) => $"{method}: {ex.GetType().Name}: {ex.Message}";

    /// <summary>The first fatal error: one ErrorResponse, then no more handler calls and input discarded.</summary>
    internal async ValueTask FailAsync(UdfFailureReason reason, string error, Exception? exception = null)
    {
        if (!RecordFailure(reason, error))
        {
            _log.ForContext("Reason", reason).Warning(exception, "After the first error, also: {Error}", error);
            return;
        }

        _log.ForContext("Reason", reason).Error(exception, "{Error}", error);
        StartDrainClock(error);
        _stopping.Cancel();
        // One lock hold for both: an emitter on another thread must not slip a frame in after the error.
        await _writer.WriteErrorAndCompleteAsync(error, $"the agent failed: {error}");
    }

    private UdfAgentResult Result => _failure is { } failure ? new UdfAgentResult(failure.Reason, failure.Error) : UdfAgentResult.Success;

    private bool RecordFailure(UdfFailureReason reason, string error) =>
        Interlocked.CompareExchange(ref _failure, new Failure(reason, error), null) is null;

    private async Task FinishAsync()
    {
        var complete = _writer.CompleteAsync("the agent has stopped").AsTask();
        await Task.WhenAny(complete, _abandoned.Task);
        if (_writer.DroppedHeldFrames > 0)
        {
            _log.Warning("Dropped {Frames} data frame(s) emitted before Kapacitor could receive data (Info-only connection or no Init)", _writer.DroppedHeldFrames);
        }
    }

    private void StartDrainClock(string reason)
    {
        if (Interlocked.Exchange(ref _drainStarted, 1) != 0)
        {
            return;
        }

        var deadline = _options.DrainTimeout ?? _monitor.EstimatedTimeout;
        _ = Task.Delay(deadline, _options.TimeProvider).ContinueWith(
            _ => _abandoned.TrySetResult((UdfFailureReason.DrainTimedOut, $"not finished {deadline.TotalSeconds:0.###}s after: {reason}")),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnOutputLost(Exception ex)
    {
        RecordFailure(UdfFailureReason.OutputClosed, $"write error: {ex.Message}");
        _abandoned.TrySetResult((UdfFailureReason.OutputClosed, $"the output is closed: {ex.Message}"));
    }

    private void OnHandlerHung(string method, TimeSpan running)
    {
        _workerHung.TrySetResult();
        var error = $"{method}: handler call has run for {running.TotalSeconds:0.#}s, longer than the maximum handler time of {_options.MaxHandlerTime.TotalSeconds:0.#}s";
        _ = FailAsync(UdfFailureReason.HandlerHung, error).AsTask();
    }

    private sealed record Failure(UdfFailureReason Reason, string Error);
}
