using Kapacitor.Udf.Protocol;
using Serilog;

namespace Kapacitor.Udf;

/// <summary>
/// What a handler gets from its agent: the output, a logger, the task and node it serves, and a stop signal.
/// One per connection (per process in process mode). Thread-safe.
/// </summary>
public sealed class UdfHandlerContext : IUdfOutput
{
    private readonly UdfAgent _agent;
    private readonly ResponseWriter _writer;

    internal UdfHandlerContext(UdfAgent agent, ResponseWriter writer, ILogger logger, CancellationToken stopping)
    {
        _agent = agent;
        _writer = writer;
        Logger = logger;
        Stopping = stopping;
    }

    /// <summary>The Kapacitor task ID from the InitRequest; empty before Init and on the Info-only probe.</summary>
    public string TaskId { get; private set; } = "";

    /// <summary>The node name from the InitRequest (e.g. <c>movingAvg2</c>); empty before Init.</summary>
    public string NodeId { get; private set; } = "";

    /// <summary>A logger whose events carry the task and node IDs once Init has arrived.</summary>
    public ILogger Logger { get; private set; }

    /// <summary>Cancelled when the agent stops or fails: background work should end.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>The largest frame the agent accepts (<see cref="UdfAgentOptions.MaxFrameSize"/>). A snapshot must fit
    /// a RestoreRequest frame of this size, since Kapacitor sends it back unchanged; larger snapshots are refused.</summary>
    public long MaxFrameSize => _agent.MaxFrameSize;

    /// <summary>The agent this context belongs to; for tests.</summary>
    internal UdfAgent Agent => _agent;

    /// <summary>The edge type this UDF provides, once known (after Init); guards emits of the wrong shape.</summary>
    internal EdgeType? Provides { get; set; }

    /// <inheritdoc />
    public ValueTask EmitPointAsync(Point point, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (Provides == EdgeType.Batch)
        {
            throw new InvalidOperationException("this UDF provides BATCH: emit whole batches with EmitBatchAsync");
        }

        return _writer.WritePointAsync(point, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask EmitBatchAsync(BeginBatch begin, IReadOnlyList<Point> points, EndBatch end, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(begin);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(end);
        if (Provides == EdgeType.Stream)
        {
            throw new InvalidOperationException("this UDF provides STREAM: emit points with EmitPointAsync");
        }

        return _writer.WriteBatchAsync(begin, points, end, cancellationToken);
    }

    /// <summary>
    /// Runs background work (a timer that emits, a consumer of another source) under the agent's error policy:
    /// an exception other than cancellation by <see cref="Stopping"/> fails the agent with an ErrorResponse
    /// <c>"&lt;name&gt;: &lt;ExceptionType&gt;: &lt;message&gt;"</c>, as a handler exception would.
    /// </summary>
    /// <param name="name">Names the work in errors and logs.</param>
    /// <param name="work">The work; it receives <see cref="Stopping"/>.</param>
    /// <returns>The running work.</returns>
    public Task StartBackground(string name, Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Task.Run(async () =>
        {
            try
            {
                await work(Stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
            {
                // Asked to stop: not a failure.
            }
            catch (UdfOutputClosedException) when (Stopping.IsCancellationRequested)
            {
                // Emitting while the agent shut down: not a failure of this work.
            }
            catch (Exception ex)
            {
                await _agent.FailAsync(new AgentFailure(UdfFailureReason.BackgroundWorkFailed, AgentFailure.Describe(name, ex), ex)).ConfigureAwait(false);
            }
        });
    }

    internal void SetTask(string taskId, string nodeId, ILogger logger)
    {
        TaskId = taskId;
        NodeId = nodeId;
        Logger = logger;
    }
}
