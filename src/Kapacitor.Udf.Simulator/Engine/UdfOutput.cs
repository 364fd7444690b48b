using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>Data the UDF produced: a stream point or a batch.</summary>
public abstract record UdfOutput;

/// <summary>A point sent outside any batch.</summary>
/// <param name="Point">The point as received.</param>
public sealed record PointOutput(Point Point) : UdfOutput;

/// <summary>A batch: BeginBatch, its points, and the EndBatch that closed it.</summary>
/// <param name="Begin">The BeginBatch.</param>
/// <param name="Points">The points between begin and end.</param>
/// <param name="End">The EndBatch; <see langword="null"/> when the batch was never closed (dropped by a new BeginBatch, or
/// cut off by the end of the output), in which case Kapacitor forwards nothing.</param>
public sealed record BatchOutput(BeginBatch Begin, IReadOnlyList<Point> Points, EndBatch? End) : UdfOutput
{
    /// <summary>The name Kapacitor gives the batch downstream: <c>EndBatch.name</c>.</summary>
    public string Name => End?.Name ?? Begin.Name;
}
