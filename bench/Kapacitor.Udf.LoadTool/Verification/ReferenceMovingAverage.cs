namespace Kapacitor.Udf.LoadTool.Verification;

/// <summary>
/// Kapacitor's moving_avg arithmetic, in its exact order (reference §5.1), written independently of
/// examples/MovingAverage: while filling, the cumulative mean <c>(value + l*avg)/(l+1)</c>; once full,
/// <c>avg += value/l - oldest/l</c>. Bit-identical results are what the byte comparison demands.
/// </summary>
internal sealed class ReferenceMovingAverage
{
    private readonly double[] _window;
    private int _count;
    private int _oldest;

    public ReferenceMovingAverage(int size) => _window = new double[size];

    public double Average { get; private set; }

    public double Update(double value)
    {
        var l = _count;
        if (l == _window.Length)
        {
            Average += value / l - _window[_oldest] / l;
            _window[_oldest] = value;
            _oldest = (_oldest + 1) % _window.Length;
        }
        else
        {
            Average = (value + l * Average) / (l + 1);
            _window[_count++] = value;
        }

        return Average;
    }
}
