using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// A stream → batch UDF: each group's points are cut into batches by count or time (<see cref="Cut"/>) and each batch
/// arrives whole in <see cref="OnBatchAsync"/>, as if a <c>window()</c> came first; output is batches.
/// </summary>
/// <remarks>
/// A batch made here carries the stream points themselves (fully populated), and Begin/End built from the group's
/// first point: name, group, group tags (its dimensions' values) and byName, tmax per <see cref="BatchWindow"/>. So
/// <see cref="Batch.CreateOutput"/> gives output with the input's group. Open windows are not part of snapshots.
/// </remarks>
/// <typeparam name="TOptions">The options class (see <see cref="UdfOptions"/>); <see cref="NoOptions"/> for none.</typeparam>
public abstract class StreamToBatchUdf<[UdfOptionsClass] TOptions> : UdfHandler<TOptions>
    where TOptions : class
{
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private BatchWindow? _cut;

    /// <summary>Creates the handler for one connection.</summary>
    /// <param name="context">The connection's context, from the factory given to <c>UdfHost.RunAsync</c>.</param>
    protected StreamToBatchUdf(UdfHandlerContext context)
        : base(context, EdgeType.Stream, EdgeType.Batch)
    {
    }

    /// <summary>How to cut batches; read once, after <see cref="UdfHandler{TOptions}.OnInitAsync"/>, so it may use
    /// <see cref="UdfHandler{TOptions}.Options"/> (e.g. <c>BatchWindow.ByPeriod(Options.Period)</c>).</summary>
    protected abstract BatchWindow Cut { get; }

    /// <summary>One batch of one group's points.</summary>
    /// <inheritdoc cref="BatchUdf{TOptions}.OnBatchAsync(Batch)" path="/*[not(self::summary)]"/>
    protected abstract ValueTask OnBatchAsync(Batch batch);

    /// <inheritdoc cref="BatchUdf{TOptions}.EmitAsync(BatchBuilder, CancellationToken)"/>
    protected ValueTask EmitAsync(BatchBuilder batch, CancellationToken cancellationToken = default) =>
        EmitBatchAsync(batch, cancellationToken);

    private protected sealed override void OnInitialized() => _cut = Cut ?? throw new InvalidOperationException("Cut returned null");

    private protected sealed override async ValueTask OnPointMessageAsync(Point point)
    {
        var cut = _cut!;
        if (!_windows.TryGetValue(point.Group, out var window))
        {
            window = new Window();
            _windows.Add(point.Group, window);
        }

        if (cut.Count > 0)
        {
            window.Add(point, endTime: 0);
            if (window.Points.Count == cut.Count)
            {
                await OnBatchAsync(window.Cut(point.Time));
            }

            return;
        }

        var period = cut.PeriodNanoseconds;
        if (window.Points.Count > 0 && point.Time >= window.EndTime)
        {
            await OnBatchAsync(window.Cut(window.EndTime));
        }

        // Floor division, so times before the epoch align too.
        var remainder = point.Time % period;
        var start = point.Time - (remainder < 0 ? remainder + period : remainder);
        window.Add(point, endTime: start + period);
    }

    private sealed class Window
    {
        private BeginBatch? _begin;

        public List<Point> Points { get; private set; } = [];

        public long EndTime { get; private set; }

        public void Add(Point point, long endTime)
        {
            if (Points.Count == 0)
            {
                Open(point, endTime);
            }

            Points.Add(point);
        }

        public Batch Cut(long tmax)
        {
            var begin = _begin!;
            begin.Size = Points.Count;
            var end = new EndBatch { Name = begin.Name, Group = begin.Group, Tmax = tmax };
            end.Tags.Add(begin.Tags);
            var batch = new Batch(begin, Points, end);
            Points = [];
            _begin = null;
            return batch;
        }

        // Once per batch: the group's metadata from its first point.
        private void Open(Point first, long endTime)
        {
            EndTime = endTime;
            _begin = new BeginBatch { Name = first.Name, Group = first.Group, ByName = first.ByName };
            foreach (var dimension in first.Dimensions)
            {
                _begin.Tags[dimension] = first.Tags.TryGetValue(dimension, out var value) ? value : "";
            }
        }
    }
}
