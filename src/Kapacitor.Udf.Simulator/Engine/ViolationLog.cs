namespace Kapacitor.Udf.Simulator.Engine;

// Collects the violations of one run (probe, define and task) from several threads (reader, writer, timers,
// driver), in the order detected, and passes each on to the caller's callback as it happens. Only the first
// MaxKept are kept and passed on; the rest are counted, so a UDF that repeats a mistake a million times costs a counter.
internal sealed class ViolationLog(Action<Violation>? violationDetected)
{
    public const int MaxKept = 100;

    private readonly object _gate = new();
    private readonly List<Violation> _violations = [];
    private long _count;

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

    public long Count => Interlocked.Read(ref _count);

    public void Report(Violation violation)
    {
        lock (_gate)
        {
            _count++;
            if (_violations.Count >= MaxKept)
            {
                return;
            }

            _violations.Add(violation);
        }

        violationDetected?.Invoke(violation);
    }
}
