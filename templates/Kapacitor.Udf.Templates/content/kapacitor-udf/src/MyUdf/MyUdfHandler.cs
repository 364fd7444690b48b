using Kapacitor.Udf;
using Kapacitor.Udf.Protocol;

namespace MyUdf;

#if (stream)
/// <summary>
/// A stream UDF: for every point, <c>field × factor</c> written as <c>as</c>, in a new point that keeps the input's
/// time, measurement, tags and group (so downstream nodes and joins still match).
/// </summary>
public sealed class MyUdfHandler(UdfHandlerContext context) : StreamUdf<MyUdfOptions>(context)
{
    /// <inheritdoc />
    protected override ValueTask OnPointAsync(Point point) =>
        EmitAsync(point.CreateOutput().SetField(Options.As, point.GetDouble(Options.Field) * Options.Factor));
}
#else
/// <summary>
/// A batch UDF: for every batch, each point's deviation from the batch's mean of <c>field</c>, written as <c>as</c>
/// into the point, in a batch that echoes the input's name, group and tmax (so the group is kept).
/// </summary>
public sealed class MyUdfHandler(UdfHandlerContext context) : BatchUdf<MyUdfOptions>(context)
{
    /// <inheritdoc />
    protected override ValueTask OnBatchAsync(Batch batch)
    {
        var sum = 0.0;
        foreach (var point in batch.Points)
        {
            sum += point.GetDouble(Options.Field);
        }

        var mean = batch.Count == 0 ? 0 : sum / batch.Count;
        var output = batch.CreateOutput();
        foreach (var point in batch.Points)
        {
            // The batch and its points are this handler's to keep and change.
            output.Add(point.SetField(Options.As, point.GetDouble(Options.Field) - mean));
        }

        return EmitAsync(output);
    }
}
#endif
