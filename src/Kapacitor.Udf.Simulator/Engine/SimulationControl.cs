namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>
/// Watches a running simulation and ends it early, the way Kapacitor ends a task: what the command line does on
/// Ctrl-C (SIGINT) and SIGTERM. One control per run.
/// </summary>
public sealed class SimulationControl : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _kill = new();
    private long _pointsSent;
    private long _pointsReceived;

    /// <summary>Input points handed to the UDF so far (stream points, or points put into windows).</summary>
    public long PointsSent => Volatile.Read(ref _pointsSent);

    /// <summary>Points the UDF has sent back so far (stream points and points inside batches).</summary>
    public long PointsReceived => Volatile.Read(ref _pointsReceived);

    /// <summary>Whether <see cref="Stop"/> (or <see cref="Kill"/>) was called.</summary>
    public bool IsStopRequested => _stop.IsCancellationRequested;

    /// <summary>Whether <see cref="Kill"/> was called.</summary>
    public bool IsKillRequested => _kill.IsCancellationRequested;

    internal CancellationToken StopToken => _stop.Token;

    internal CancellationToken KillToken => _kill.Token;

    /// <summary>
    /// Stops the task as Kapacitor stops one: no more input is read, windows still open are not sent, the UDF's input
    /// is closed once what was already queued is written, and the UDF gets the exit timeout to finish; its output is
    /// read to the end and the run returns its result as usual. Before the task has started, the task is not run.
    /// </summary>
    public void Stop() => _stop.Cancel();

    /// <summary>Kills the UDF now (the process, or the socket connection); the run still returns its result.</summary>
    public void Kill()
    {
        _stop.Cancel();
        _kill.Cancel();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Dispose();
        _kill.Dispose();
    }

    internal void AddSent(long points) => Interlocked.Add(ref _pointsSent, points);

    internal void AddReceived(long points) => Interlocked.Add(ref _pointsReceived, points);
}
