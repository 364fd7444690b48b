using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>A request waiting for the worker, with the bytes it holds of the large-request budget (0 for small
/// requests, which the queue's capacity alone bounds); or, in place of a request, the read error found after the
/// requests queued before it (<paramref name="ReadFailure"/>), which the worker reports once those are answered.</summary>
internal readonly record struct QueuedRequest(Request Request, long BudgetBytes, AgentFailure? ReadFailure = null);
