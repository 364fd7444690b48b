using Kapacitor.Udf;

namespace Kapacitor.Udf.Examples.Outliers;

/// <summary>
/// Kapacitor's outliers example: per batch, the points whose <c>field</c> lies outside the Tukey fences, sent as a
/// batch that echoes the input's Begin (with the real size) and End, so the group is kept.
/// </summary>
internal sealed class OutliersUdf(UdfHandlerContext context) : BatchUdf<OutliersOptions>(context)
{
    protected override ValueTask OnBatchAsync(Batch batch)
    {
        // Sorted by value, ties by arrival: a stable sort (Go's sort.Sort is not). A missing field reads as 0.
        var entries = new (double Value, int Index)[batch.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = (batch.Points[i].GetDouble(Options.Field), i);
        }

        Array.Sort(entries);
        var values = new double[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            values[i] = entries[i].Value;
        }

        var output = batch.CreateOutput();
        foreach (var i in TukeyFences.Outliers(values, Options.Scale))
        {
            output.Add(batch.Points[entries[i].Index]);
        }

        return EmitAsync(output);
    }
}
