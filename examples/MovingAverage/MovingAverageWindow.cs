using System.Text.Json.Serialization;

namespace Kapacitor.Udf.Examples.MovingAverage;

/// <summary>
/// One group's window, with Kapacitor's example arithmetic kept in its exact order so results are bit-identical
/// to the Go and Python UDFs (Kapacitor's moving_avg examples): while filling, the cumulative mean; once full, the running update
/// <c>avg += value/l - oldest/l</c>. Serialized as <c>{"size":…,"window":[…],"avg":…}</c>, like the Python example.
/// </summary>
internal sealed class MovingAverageWindow
{
    [JsonConstructor]
    public MovingAverageWindow(int size, Queue<double>? window = null, double avg = 0)
    {
        Size = size;
        Window = window ?? new Queue<double>(size);
        Avg = avg;
    }

    public int Size { get; }

    public Queue<double> Window { get; }

    public double Avg { get; private set; }

    public double Update(double value)
    {
        var l = Window.Count;
        if (l == Size)
        {
            Avg += value / l - Window.Dequeue() / l;
        }
        else
        {
            Avg = (value + l * Avg) / (l + 1);
        }

        Window.Enqueue(value);
        return Avg;
    }
}
