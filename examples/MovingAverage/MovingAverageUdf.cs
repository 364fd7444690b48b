using Kapacitor.Udf;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Examples.MovingAverage;

/// <summary>
/// Kapacitor's moving_avg example: for every point, the average of the last <c>size</c> values of <c>field</c> in
/// the point's group, written as <c>as</c>. The windows survive restarts through snapshots.
/// </summary>
internal sealed class MovingAverageUdf : StreamUdf<MovingAverageOptions>
{
    private readonly GroupState<MovingAverageWindow> _windows;

    public MovingAverageUdf(UdfHandlerContext context)
        : base(context)
    {
        _windows = new(_ => new MovingAverageWindow(Options.Size));
        UseSnapshots(
            new SnapshotCodec<IReadOnlyDictionary<string, MovingAverageWindow>>(version: 1, MovingAverageJson.Default) { Migrate = FromUnversioned },
            () => _windows,
            _windows.Load);
    }

    // Each point is emitted (serialized) before the call returns and never kept: the agent may reuse it.
    protected override PointOwnership PointOwnership => PointOwnership.Borrowed;

    protected override ValueTask OnPointAsync(Point point)
    {
        // A missing or non-double field reads as 0, as in Kapacitor's examples.
        var average = _windows.For(point).Update(point.GetDouble(Options.Field));

        // The input goes back out with only the average as its float field: time, name, tags, dimensions (so the
        // group) and the bool fields stay, the int and string fields go, exactly as the Go and Python UDFs do.
        point.FieldsDouble.Clear();
        point.FieldsInt.Clear();
        point.FieldsString.Clear();
        point.FieldsDouble[Options.As] = average;
        return EmitAsync(point);
    }

    // Before versioned snapshots this UDF stored the same JSON without the envelope: keep those windows.
    private static IReadOnlyDictionary<string, MovingAverageWindow>? FromUnversioned(int? version, ReadOnlySpan<byte> payload) =>
        version is null ? System.Text.Json.JsonSerializer.Deserialize(payload, MovingAverageJson.Default.DictionaryStringMovingAverageWindow) : null;
}
