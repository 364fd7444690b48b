namespace Kapacitor.Udf.Simulator.Engine;

// Collects the violations of one run (probe, define and task) from several threads (reader, writer, timers,
// driver), in the order detected, and passes each on to the caller's callback as it happens.
internal sealed class ViolationLog(Action<Violation>? violationDetected)
{
    private readonly object _gate = new();
    private readonly List<Violation> _violations = [];

    public IReadOnlyList<Violation> Violations
    {
        get
        {
            lock (_gate)
            {
                return _violations.ToArray();
            }
        }
    }

    public void Report(Violation violation)
    {
        lock (_gate)
        {
            _violations.Add(violation);
        }

        violationDetected?.Invoke(violation);
    }
}
