using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>Collects Begin, points and End into one <see cref="Batch"/> for the batch-edge base classes.</summary>
internal sealed class BatchAssembler
{
    // begin.size is only a hint from Kapacitor; never let it size a huge allocation.
    private const int MaxCapacityHint = 4096;
    private BeginBatch? _begin;
    private List<Point> _points = [];

    public void Begin(BeginBatch begin)
    {
        _begin = begin;
        _points = new List<Point>((int)Math.Clamp(begin.Size, 0, MaxCapacityHint));
    }

    public void Add(Point point) => _points.Add(point);

    // The agent guarantees Begin before End; a new list per batch, since the batch is handed to user code to keep.
    public Batch End(EndBatch end)
    {
        var batch = new Batch(_begin!, _points, end);
        _begin = null;
        _points = [];
        return batch;
    }
}
