namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>Which connection a violation happened on.</summary>
public enum SimulationPhase
{
    /// <summary>Checking the options against the Info, before any task connection (<c>kapacitor define</c>).</summary>
    Define,

    /// <summary>The Info probe connection (kapacitord start).</summary>
    Probe,

    /// <summary>The task connection.</summary>
    Task,
}

/// <summary>One thing the UDF (or the setup) did wrong.</summary>
/// <param name="Kind">What kind of problem.</param>
/// <param name="Phase">On which connection.</param>
/// <param name="Message">What happened and what Kapacitor would do about it; for node failures, Kapacitor's own text.</param>
/// <param name="IsFatal">Whether the run was aborted because of it, as Kapacitor aborts the node.</param>
public sealed record Violation(ViolationKind Kind, SimulationPhase Phase, string Message, bool IsFatal)
{
    /// <inheritdoc />
    public override string ToString() => $"{Phase.ToString().ToLowerInvariant()}: {Kind}: {Message}";
}
