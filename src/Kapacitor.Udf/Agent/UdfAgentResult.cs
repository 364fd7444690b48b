namespace Kapacitor.Udf.Agent;

/// <summary>How an agent's run ended.</summary>
/// <param name="Error">The first fatal error, or <see langword="null"/> when the input ended and everything was delivered.</param>
public sealed record UdfAgentResult(string? Error)
{
    /// <summary>The input ended, every request was handled and every response delivered.</summary>
    public bool Succeeded => Error is null;

    /// <summary>The process exit code for this outcome: 0 on success, 1 otherwise.</summary>
    public int ExitCode => Succeeded ? 0 : 1;
}
