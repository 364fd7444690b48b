using Kapacitor.Udf;
using Kapacitor.Udf.LoadTool.Verification;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Tests;

/// <summary>A moving average handler in the shape of examples/MovingAverage, with hooks to get it wrong on purpose.</summary>
public sealed class MovingAverageTestHandler(UdfHandlerContext context, MovingAverageTestHandler.Fault fault = MovingAverageTestHandler.Fault.None) : IUdfHandler
{
    private readonly Queue<double> _window = new();
    private ReferenceMovingAverage? _average;
    private string _field = "";
    private string _as = "";
    private int _size;
    private long _seen;

    public enum Fault
    {
        None,

        /// <summary>The textbook mean (sum / count): right to a reader, wrong in the last bits.</summary>
        TextbookMean,

        /// <summary>Point 1000 is never emitted.</summary>
        DropsOnePoint,

        /// <summary>The tags are not copied to the output.</summary>
        LosesTags,
    }

    public ValueTask<InfoResponse> InfoAsync() =>
        ValueTask.FromResult(new InfoResponse { Wants = EdgeType.Stream, Provides = EdgeType.Stream });

    public ValueTask<InitResponse> InitAsync(InitRequest request)
    {
        foreach (var option in request.Options)
        {
            switch (option.Name)
            {
                case "field": _field = option.Values[0].StringValue; break;
                case "size": _size = (int)option.Values[0].IntValue; break;
                case "as": _as = option.Values[0].StringValue; break;
            }
        }

        _average = new ReferenceMovingAverage(_size);
        return ValueTask.FromResult(new InitResponse { Success = true });
    }

    public ValueTask PointAsync(Point point)
    {
        var value = point.FieldsDouble[_field];
        var average = _average!.Update(value);
        if (fault == Fault.TextbookMean)
        {
            _window.Enqueue(value);
            if (_window.Count > _size)
            {
                _window.Dequeue();
            }

            average = _window.Sum() / _window.Count;
        }

        if (fault == Fault.DropsOnePoint && _seen++ == 1000)
        {
            return ValueTask.CompletedTask;
        }

        if (fault == Fault.LosesTags)
        {
            point.Tags.Clear();
        }

        point.FieldsDouble.Clear();
        point.FieldsDouble[_as] = average;
        return context.EmitPointAsync(point);
    }
}

/// <summary>An outliers handler built on the tool's own Tukey reference: it proves the batch plumbing (begin size,
/// echoed end, point bytes), not the arithmetic, which the golden vectors test.</summary>
internal sealed class OutliersTestHandler(UdfHandlerContext context, bool wrongSize = false) : IUdfHandler
{
    private readonly List<Point> _points = [];
    private BeginBatch? _begin;
    private double _scale;

    public ValueTask<InfoResponse> InfoAsync() =>
        ValueTask.FromResult(new InfoResponse { Wants = EdgeType.Batch, Provides = EdgeType.Batch });

    public ValueTask<InitResponse> InitAsync(InitRequest request)
    {
        _scale = request.Options.Single(o => o.Name == "scale").Values[0].DoubleValue;
        return ValueTask.FromResult(new InitResponse { Success = true });
    }

    public ValueTask BeginBatchAsync(BeginBatch begin)
    {
        _begin = begin;
        _points.Clear();
        return ValueTask.CompletedTask;
    }

    public ValueTask PointAsync(Point point)
    {
        _points.Add(point);
        return ValueTask.CompletedTask;
    }

    public ValueTask EndBatchAsync(EndBatch end)
    {
        var outliers = ReferenceTukey.Outliers(_points.ConvertAll(p => p.FieldsDouble["value"]), _scale).ConvertAll(i => _points[i]);
        if (wrongSize && outliers.Count > 0)
        {
            outliers.RemoveAt(outliers.Count - 1);
        }

        return context.EmitBatchAsync(_begin!, outliers, end);
    }
}
