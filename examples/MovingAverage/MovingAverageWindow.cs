namespace Kapacitor.Udf.Examples.MovingAverage;

/// <summary>
/// One group's window, with Kapacitor's example arithmetic kept in its exact order so results are bit-identical
/// to the Go and Python UDFs (reference §5.1): while filling, the cumulative mean; once full, the running update
/// <c>avg += value/l - oldest/l</c>.
/// </summary>
internal sealed class MovingAverageWindow
{
    private readonly Queue<double> _values;

    public MovingAverageWindow(int size, IEnumerable<double>? values = null, double average = 0)
    {
        Size = size;
        _values = new Queue<double>(values ?? []);
        Average = average;
    }

    public int Size { get; }

    public double Average { get; private set; }

    public IReadOnlyCollection<double> Values => _values;

    public double Update(double value)
    {
        var l = _values.Count;
        if (l == Size)
        {
            Average += value / l - _values.Dequeue() / l;
        }
        else
        {
            Average = (value + l * Average) / (l + 1);
        }

        _values.Enqueue(value);
        return Average;
    }
}
