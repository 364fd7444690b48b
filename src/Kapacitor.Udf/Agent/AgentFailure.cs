namespace Kapacitor.Udf;

/// <summary>A fatal error: why (<see cref="UdfFailureReason"/>), the text Kapacitor receives, and the exception
/// behind it, if any (logged, never sent).</summary>
internal sealed record AgentFailure(UdfFailureReason Reason, string Error, Exception? Exception = null)
{
    /// <summary>The text of a handler method's (or background work's) exception: <c>"Method: Type: message"</c>.</summary>
    public static string Describe(string method, Exception ex) => $"{method}: {ex.GetType().Name}: {ex.Message}";
}
