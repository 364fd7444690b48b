namespace Kapacitor.Udf;

/// <summary>How an agent's run ended.</summary>
/// <param name="Reason">Why it failed, or <see cref="UdfFailureReason.None"/> when it succeeded.</param>
/// <param name="Error">The first fatal error as Kapacitor received it (the <c>ErrorResponse</c> text) or as it was
/// logged; <see langword="null"/> on success. Human-readable: match on <paramref name="Reason"/>, not on this.</param>
public sealed record UdfAgentResult(UdfFailureReason Reason, string? Error)
{
    /// <summary>The input ended, every request was handled and every response delivered.</summary>
    public static UdfAgentResult Success { get; } = new(UdfFailureReason.None, null);

    /// <summary>Whether the run succeeded (<see cref="Reason"/> is <see cref="UdfFailureReason.None"/>).</summary>
    public bool Succeeded => Reason == UdfFailureReason.None;

    /// <summary>The process exit code for this outcome: 0 on success, 1 otherwise.</summary>
    public int ExitCode => Succeeded ? 0 : 1;
}
