using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Input;

// Points from an enumerable. It may block at any item without saying so, so every point is sent at once.
internal sealed class PointsInput(IEnumerable<Point> points) : SimulatorInput
{
    private IEnumerator<Point>? _points;

    public override bool IsBatches => false;

    internal override async ValueTask<InputItem> ReadAsync(Func<ValueTask> idle, CancellationToken stop)
    {
        await idle();
        stop.ThrowIfCancellationRequested();
        _points ??= points.GetEnumerator();
        return _points.MoveNext() ? new InputItem(_points.Current, null) : InputItem.End;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _points?.Dispose();
        }
    }
}
