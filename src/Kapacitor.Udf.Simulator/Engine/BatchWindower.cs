using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>
/// Cuts stream points into per-group batches the way <c>|window().period(P).every(P).align()</c> does, producing
/// exactly what Kapacitor sends to a UDF that wants BATCH.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Windows are keyed by group ID, as in Kapacitor's window node (points of different measurements with the
/// same group share a window; the window keeps the name of the point that opened it).</item>
/// <item>Windows are <c>[start, start + P)</c> aligned with <see cref="WindowAlignment.Truncate"/>; <c>tmax</c> is the
/// window's end. A point exactly on a boundary belongs to the next window.</item>
/// <item>A window is emitted when a point of the same group at or after its end arrives, so batches of different
/// groups interleave in input order, as they do in Kapacitor.</item>
/// <item>A point earlier than its group's current window (out of order input) joins the current window.</item>
/// <item>Windows with no points in a gap are skipped, as Kapacitor skips them, unless <c>emitEmptyWindows</c> asks
/// for an empty batch (BeginBatch size 0, then EndBatch) for each of them, to exercise a UDF's empty-batch path.</item>
/// <item>At the end of input, <see cref="Flush"/> emits the still-open windows (ordered by tmax, then by when their
/// group first appeared); Kapacitor would hold them until a later point arrived.</item>
/// </list>
/// </remarks>
public sealed class BatchWindower
{
    private readonly long _period;
    private readonly bool _emitEmptyWindows;
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private int _groupsSeen;

    /// <summary>Creates a windower.</summary>
    /// <param name="period">The window period (and every) in nanoseconds.</param>
    /// <param name="emitEmptyWindows">Whether gaps produce empty batches.</param>
    public BatchWindower(long period, bool emitEmptyWindows = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        _period = period;
        _emitEmptyWindows = emitEmptyWindows;
    }

    /// <summary>Adds a stream point (from <see cref="PointGrouper.ToStreamPoint"/>).</summary>
    /// <param name="point">The point.</param>
    /// <returns>The batches this point completes (usually none, at most one plus any empty ones).</returns>
    public IReadOnlyList<InputBatch> Add(Point point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var completed = new List<InputBatch>();
        if (!_windows.TryGetValue(point.Group, out var window))
        {
            window = new Window(point, _groupsSeen++, WindowAlignment.Truncate(point.Time, _period) + _period);
            _windows.Add(point.Group, window);
        }
        else if (point.Time >= window.End)
        {
            completed.Add(window.Emit());
            var nextEnd = WindowAlignment.Truncate(point.Time, _period) + _period;
            if (_emitEmptyWindows)
            {
                for (var end = window.End + _period; end < nextEnd; end += _period)
                {
                    window.End = end;
                    completed.Add(window.Emit());
                }
            }

            window.End = nextEnd;
        }

        window.Points.Add(ToBatchPoint(point));
        return completed;
    }

    /// <summary>Emits every open window; call once at the end of input.</summary>
    /// <returns>The remaining batches, by tmax and then by when their group first appeared.</returns>
    public IReadOnlyList<InputBatch> Flush()
    {
        var open = _windows.Values
            .Where(w => w.Points.Count > 0)
            .OrderBy(w => w.End)
            .ThenBy(w => w.Order)
            .Select(w => w.Emit())
            .ToList();
        _windows.Clear();
        return open;
    }

    // Batch points carry only time, group, tags and fields: Kapacitor leaves name, database, retention policy,
    // dimensions and byName empty on them.
    private static Point ToBatchPoint(Point point)
    {
        var batchPoint = new Point { Time = point.Time, Group = point.Group };
        batchPoint.Tags.Add(point.Tags);
        batchPoint.FieldsDouble.Add(point.FieldsDouble);
        batchPoint.FieldsInt.Add(point.FieldsInt);
        batchPoint.FieldsString.Add(point.FieldsString);
        batchPoint.FieldsBool.Add(point.FieldsBool);
        return batchPoint;
    }

    private sealed class Window(Point first, int order, long end)
    {
        private readonly Dictionary<string, string> _groupTags = PointGrouper.GroupTags(first);

        public string Name { get; } = first.Name;

        public string Group { get; } = first.Group;

        public bool ByName { get; } = first.ByName;

        public int Order { get; } = order;

        public long End { get; set; } = end;

        public List<Point> Points { get; } = [];

        public InputBatch Emit()
        {
            var begin = new BeginBatch { Name = Name, Group = Group, Size = Points.Count, ByName = ByName };
            begin.Tags.Add(_groupTags);
            var endBatch = new EndBatch { Name = Name, Group = Group, Tmax = End };
            endBatch.Tags.Add(_groupTags);
            var batch = new InputBatch(begin, Points.ToArray(), endBatch);
            Points.Clear();
            return batch;
        }
    }
}
