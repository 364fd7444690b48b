using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Google.Protobuf;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// The handler side of one agent: takes the queued requests in input order, checks the protocol's sequence, calls
/// the handler one call at a time, answers management requests in request order (Kapacitor takes an unsolicited answer as the answer to its next request), and calls
/// <see cref="IUdfHandler.StopAsync"/> exactly once, last.
/// </summary>
/// <remarks>Runs on the agent's <see cref="HandlerStrand"/>: a handler thread while there is work, none while the
/// queue is empty. Every handler call goes through <see cref="CallAsync{TArg}"/>.</remarks>
internal sealed partial class HandlerWorker
{
    // Requests handled before the worker lets other connections' strands have the thread (fairness).
    private const int YieldEvery = 64;

    private readonly UdfAgent _agent;
    private readonly IUdfHandler _handler;
    private readonly ChannelReader<QueuedRequest> _queue;
    private readonly QueueBudget _largeRequests;
    private readonly InputActivity _activity;
    private readonly ResponseWriter _writer;
    private readonly KeepaliveMonitor _monitor;
    private readonly RequestDecoder _decoder;

    public HandlerWorker(UdfAgent agent, IUdfHandler handler, ChannelReader<QueuedRequest> queue, QueueBudget largeRequests, InputActivity activity, ResponseWriter writer, KeepaliveMonitor monitor, RequestDecoder decoder)
    {
        _agent = agent;
        _handler = handler;
        _queue = queue;
        _largeRequests = largeRequests;
        _activity = activity;
        _writer = writer;
        _monitor = monitor;
        _decoder = decoder;
    }

    public async Task RunAsync()
    {
        var handled = 0;
        try
        {
            while (await _queue.WaitToReadAsync())
            {
                while (_queue.TryRead(out var queued))
                {
                    if (queued.ReadFailure is { } failure)
                    {
                        // Every request read before the bad input has been answered: now the error.
                        await _agent.FailAsync(failure);
                    }
                    else if (!_agent.HasFailed)
                    {
                        await HandleAsync(queued.Request);
                    }

                    Done(queued);
                    if (_activity.End())
                    {
                        await _writer.FlushIfIdleAsync();
                    }

                    if (++handled % YieldEvery == 0)
                    {
                        await Task.Yield();
                    }
                }
            }
        }
        catch (UdfOutputClosedException)
        {
            // The output is gone; the agent is already giving up.
        }
        catch (Exception ex)
        {
            await _agent.FailAsync(new AgentFailure(UdfFailureReason.AgentFault, AgentFailure.Describe("agent", ex), ex));
        }

        if (await CallAsync("Stop", 0, static (h, _) => h.StopAsync()) is { } stopFailed)
        {
            _agent.Log.Error(stopFailed, "{Error}", AgentFailure.Describe("Stop", stopFailed));
        }
    }

    // The one way the handler is called. The monitor sees the call from before the handler is entered (so a
    // synchronous handler that blocks is seen too) until it returns; its exception is returned, for the caller's
    // rule (fail, answer success=false, or log).
    private async ValueTask<Exception?> CallAsync<TArg>(string method, TArg arg, Func<IUdfHandler, TArg, ValueTask> call)
    {
        _monitor.CallStarted(method);
        try
        {
            await call(_handler, arg);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
        finally
        {
            _monitor.CallFinished();
        }
    }

    // A management call's answer, where a null one is the handler's bug, reported as such.
    private async ValueTask<(T? Answer, Exception? Failure)> AskAsync<T, TArg>(string method, TArg arg, Func<IUdfHandler, TArg, ValueTask<T>> call)
        where T : class
    {
        var answer = new StrongBox<T?>();
        var failure = await CallAsync(method, (arg, call, answer, method), static async (h, s) =>
            s.answer.Value = await s.call(h, s.arg) ?? throw new InvalidOperationException($"the handler's {s.method} returned null"));
        return (answer.Value, failure);
    }

    private async ValueTask FailHandlerAsync(string method, Exception ex) =>
        await _agent.FailAsync(new AgentFailure(UdfFailureReason.HandlerFailed, AgentFailure.Describe(method, ex), ex));

    private void Done(QueuedRequest queued)
    {
        if (queued.BudgetBytes > 0)
        {
            _largeRequests.Release(queued.BudgetBytes);
        }

        _decoder.Return(queued.Request);
    }
}
