using System.Text.Json;
using Google.Protobuf;
using Kapacitor.Udf.Agent;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Examples.MovingAverage;

/// <summary>
/// Kapacitor's moving_avg example: for every point, the average of the last <c>size</c> values of <c>field</c> in
/// the point's group, written as <c>as</c> (default <c>avg</c>).
/// <c>@movingAverage().field('value').size(10).as('avg')</c>
/// </summary>
internal sealed class MovingAverageHandler : IUdfHandler
{
    private readonly UdfContext _context;
    private readonly Dictionary<string, MovingAverageWindow> _windows = [];
    private string _field = "";
    private int _size;
    private string _as = "avg";

    public MovingAverageHandler(UdfContext context) => _context = context;

    public ValueTask<InfoResponse> InfoAsync() => ValueTask.FromResult(new InfoResponse
    {
        Wants = EdgeType.Stream,
        Provides = EdgeType.Stream,
        Options =
        {
            ["field"] = new OptionInfo { ValueTypes = { Protocol.ValueType.String } },
            ["size"] = new OptionInfo { ValueTypes = { Protocol.ValueType.Int } },
            ["as"] = new OptionInfo { ValueTypes = { Protocol.ValueType.String } },
        },
    });

    public ValueTask<InitResponse> InitAsync(InitRequest request)
    {
        foreach (var option in request.Options)
        {
            var value = option.Values[0];
            switch (option.Name)
            {
                case "field":
                    _field = value.StringValue;
                    break;
                case "size":
                    _size = (int)Math.Clamp(value.IntValue, int.MinValue, int.MaxValue);
                    break;
                case "as":
                    _as = value.StringValue;
                    break;
            }
        }

        var errors = new List<string>();
        if (_field.Length == 0)
        {
            errors.Add("must supply field: .field('value')");
        }

        if (_size <= 0)
        {
            errors.Add("must supply a positive window size: .size(10)");
        }

        if (_as.Length == 0)
        {
            errors.Add("invalid as name: .as('avg')");
        }

        return ValueTask.FromResult(new InitResponse { Success = errors.Count == 0, Error = string.Join("; ", errors) });
    }

    public ValueTask PointAsync(Point point)
    {
        if (!_windows.TryGetValue(point.Group, out var window))
        {
            window = new MovingAverageWindow(_size);
            _windows.Add(point.Group, window);
        }

        // A missing or non-double field reads as 0, as in Kapacitor's examples.
        var average = window.Update(point.FieldsDouble.TryGetValue(_field, out var value) ? value : 0);
        point.FieldsDouble.Clear();
        point.FieldsDouble[_as] = average;
        point.FieldsInt.Clear();
        point.FieldsString.Clear();
        return _context.EmitPointAsync(point);
    }

    public ValueTask<SnapshotResponse> SnapshotAsync()
    {
        var state = _windows.ToDictionary(
            w => w.Key,
            w => new WindowState(w.Value.Size, [.. w.Value.Values], w.Value.Average));
        var bytes = JsonSerializer.SerializeToUtf8Bytes(state, SnapshotJson.Options);
        return ValueTask.FromResult(new SnapshotResponse { Snapshot = ByteString.CopyFrom(bytes) });
    }

    public ValueTask<RestoreResponse> RestoreAsync(RestoreRequest request)
    {
        var state = JsonSerializer.Deserialize<Dictionary<string, WindowState>>(request.Snapshot.Span, SnapshotJson.Options)
            ?? throw new JsonException("the snapshot is null");
        _windows.Clear();
        foreach (var (group, window) in state)
        {
            _windows[group] = new MovingAverageWindow(window.Size, window.Window, window.Avg);
        }

        return ValueTask.FromResult(new RestoreResponse { Success = true });
    }

    private sealed record WindowState(int Size, double[] Window, double Avg);

    private static class SnapshotJson
    {
        public static readonly JsonSerializerOptions Options = new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
    }
}
