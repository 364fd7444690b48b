using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>One batch as Kapacitor sends it to a UDF that wants BATCH: BeginBatch, the points, EndBatch.</summary>
/// <param name="Begin"><c>BeginBatch{name, group, tags = group tags, size, byName}</c>.</param>
/// <param name="Points">Points with only time, group, tags and fields set.</param>
/// <param name="End"><c>EndBatch{name, group, tmax, tags = group tags}</c>; byName is never set.</param>
public sealed record InputBatch(BeginBatch Begin, IReadOnlyList<Point> Points, EndBatch End)
{
    /// <summary>The requests in wire order.</summary>
    /// <returns>Begin, each point, End.</returns>
    public IEnumerable<Request> ToRequests()
    {
        yield return new Request { Begin = Begin };
        foreach (var point in Points)
        {
            yield return new Request { Point = point };
        }

        yield return new Request { End = End };
    }
}
