using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>How the Info probe went: what kapacitord learns about a UDF at startup.</summary>
public sealed class ProbeResult
{
    /// <summary>The InfoResponse; <see langword="null"/> when none arrived.</summary>
    public InfoResponse? Info { get; init; }

    /// <summary>Every response on the probe connection, in order.</summary>
    public IReadOnlyList<Response> Responses { get; init; } = [];

    /// <summary>What went wrong, in the order detected.</summary>
    public IReadOnlyList<Violation> Violations { get; init; } = [];

    /// <summary>The process exit code; <see langword="null"/> for a socket or when it never exited.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The UDF's STDERR lines.</summary>
    public IReadOnlyList<string> StderrLines { get; init; } = [];

    /// <summary>How many keepalive requests were written.</summary>
    public int KeepalivesSent { get; init; }

    /// <summary>Whether an InfoResponse arrived and nothing went wrong.</summary>
    public bool IsClean => Info is not null && Violations.Count == 0;
}
