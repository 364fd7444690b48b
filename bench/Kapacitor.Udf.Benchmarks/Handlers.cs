using Kapacitor.Udf;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Benchmarks;

/// <summary>examples/Mirror's handler: every point straight back.</summary>
internal sealed class EchoHandler : IUdfHandler
{
    private readonly UdfHandlerContext _context;

    public EchoHandler(UdfHandlerContext context) => _context = context;

    public ValueTask<InfoResponse> InfoAsync() =>
        ValueTask.FromResult(new InfoResponse { Wants = EdgeType.Stream, Provides = EdgeType.Stream });

    public ValueTask<InitResponse> InitAsync(InitRequest request) => ValueTask.FromResult(new InitResponse { Success = true });

    public ValueTask PointAsync(Point point) => _context.EmitPointAsync(point);
}

/// <summary>
/// examples/MovingAverage's handler, point path copied as it is (the example's types are internal to its exe):
/// a window per group (a Queue), the field replaced by the average, the point emitted.
/// </summary>
internal sealed class MovingAverageHandler : IUdfHandler
{
    private readonly UdfHandlerContext _context;
    private readonly Dictionary<string, Window> _windows = [];
    private string _field = "value";
    private int _size = 10;
    private string _as = "avg";

    public MovingAverageHandler(UdfHandlerContext context) => _context = context;

    public ValueTask<InfoResponse> InfoAsync() =>
        ValueTask.FromResult(new InfoResponse { Wants = EdgeType.Stream, Provides = EdgeType.Stream });

    public ValueTask<InitResponse> InitAsync(InitRequest request)
    {
        foreach (var option in request.Options)
        {
            switch (option.Name)
            {
                case "field":
                    _field = option.Values[0].StringValue;
                    break;
                case "size":
                    _size = (int)option.Values[0].IntValue;
                    break;
                case "as":
                    _as = option.Values[0].StringValue;
                    break;
            }
        }

        return ValueTask.FromResult(new InitResponse { Success = true });
    }

    public ValueTask PointAsync(Point point)
    {
        if (!_windows.TryGetValue(point.Group, out var window))
        {
            window = new Window(_size);
            _windows.Add(point.Group, window);
        }

        var average = window.Update(point.FieldsDouble.TryGetValue(_field, out var value) ? value : 0);
        point.FieldsDouble.Clear();
        point.FieldsDouble[_as] = average;
        point.FieldsInt.Clear();
        point.FieldsString.Clear();
        return _context.EmitPointAsync(point);
    }

    private sealed class Window(int size)
    {
        private readonly Queue<double> _values = new();
        private double _average;

        public double Update(double value)
        {
            var l = _values.Count;
            if (l == size)
            {
                _average += value / l - _values.Dequeue() / l;
            }
            else
            {
                _average = (value + l * _average) / (l + 1);
            }

            _values.Enqueue(value);
            return _average;
        }
    }
}
