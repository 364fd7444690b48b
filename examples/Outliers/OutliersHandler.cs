using Kapacitor.Udf.Agent;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Examples.Outliers;

/// <summary>
/// Kapacitor's outliers example: per batch, the points whose <c>field</c> lies outside the Tukey fences, sent as a
/// batch that echoes the input's Begin (with the real size) and End, so the group is kept.
/// <c>@outliers().field('value').scale(1.5)</c>
/// </summary>
internal sealed class OutliersHandler : IUdfHandler
{
    private readonly UdfContext _context;
    private readonly List<(double Value, Point Point)> _entries = [];
    private BeginBatch? _begin;
    private string _field = "";
    private double _scale = 1.5;

    public OutliersHandler(UdfContext context) => _context = context;

    public ValueTask<InfoResponse> InfoAsync() => ValueTask.FromResult(new InfoResponse
    {
        Wants = EdgeType.Batch,
        Provides = EdgeType.Batch,
        Options =
        {
            ["field"] = new OptionInfo { ValueTypes = { Protocol.ValueType.String } },
            ["scale"] = new OptionInfo { ValueTypes = { Protocol.ValueType.Double } },
        },
    });

    public ValueTask<InitResponse> InitAsync(InitRequest request)
    {
        foreach (var option in request.Options)
        {
            switch (option.Name)
            {
                case "field":
                    _field = option.Values[0].StringValue;
                    break;
                case "scale":
                    _scale = option.Values[0].DoubleValue;
                    break;
            }
        }

        var errors = new List<string>();
        if (_field.Length == 0)
        {
            errors.Add("must supply field: .field('value')");
        }

        if (!(_scale >= 1.0))
        {
            errors.Add("invalid scale, must be >= 1.0: .scale(1.5)");
        }

        return ValueTask.FromResult(new InitResponse { Success = errors.Count == 0, Error = string.Join("; ", errors) });
    }

    public ValueTask BeginBatchAsync(BeginBatch begin)
    {
        _begin = begin;
        _entries.Clear();
        return ValueTask.CompletedTask;
    }

    public ValueTask PointAsync(Point point)
    {
        _entries.Add((point.FieldsDouble.TryGetValue(_field, out var value) ? value : 0, point));
        return ValueTask.CompletedTask;
    }

    public ValueTask EndBatchAsync(EndBatch end)
    {
        // A stable sort: ties keep input order (Go's sort.Sort does not).
        var sorted = _entries.OrderBy(e => e.Value).ToList();
        var outliers = TukeyFences.Outliers(sorted.ConvertAll(e => e.Value), _scale).ConvertAll(i => sorted[i].Point);
        return _context.EmitBatchAsync(_begin!, outliers, end);
    }
}
