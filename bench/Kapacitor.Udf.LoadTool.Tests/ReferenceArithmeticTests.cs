using Kapacitor.Udf.LoadTool.Verification;

namespace Kapacitor.Udf.LoadTool.Tests;

/// <summary>The tool's expected outputs come from its own arithmetic: it must match Kapacitor's golden vectors
/// (reference §5.1, §5.2), or every verified run would prove nothing.</summary>
public class ReferenceArithmeticTests
{
    [Fact]
    public void Moving_average_reproduces_the_golden_vector_to_the_last_bit()
    {
        var average = new ReferenceMovingAverage(3);
        double[] inputs = [1, 2, 3, 4, 5, 6, 0.1, 0.2, 0];
        var outputs = inputs.Select(average.Update).ToArray();

        outputs[..8].Should().Equal(1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 3.7, 2.1);
        BitConverter.DoubleToInt64Bits(outputs[8]).Should().Be(BitConverter.DoubleToInt64Bits(0.10000000000000009));
    }

    [Fact]
    public void Moving_average_matches_kapacitors_integration_test()
    {
        var a = new ReferenceMovingAverage(10);
        var outputs = Enumerable.Repeat(1.0, 10).Append(0).Append(0).Select(a.Update).ToArray();
        outputs.Should().Equal([.. Enumerable.Repeat(1.0, 10), 0.9, 0.8]);
    }

    [Fact]
    public void Tukey_finds_the_integration_tests_outliers_in_order()
    {
        double[] values = [48, 5, 90, 36, 51, 13, 100, 46, 6, 53, 33, 80, 47, 35, 54, 7, 85, 45, 52, 50];
        ReferenceTukey.Outliers(values, 1.5).Select(i => values[i]).Should().Equal(5, 6, 85, 90, 100);
        ReferenceTukey.Outliers(values, 3.0).Should().BeEmpty();
    }

    [Fact]
    public void Tukey_small_batches_follow_the_reference()
    {
        ReferenceTukey.Outliers([0, 1, 4, 1000], 1.5).Should().BeEmpty();
        double[] seven = [0, 1, 4, 9, 16, 25, 1000];
        ReferenceTukey.Outliers(seven, 1.5).Select(i => seven[i]).Should().Equal(1000);
        ReferenceTukey.Outliers([], 1.5).Should().BeEmpty();
        ReferenceTukey.Outliers([1, 2], 1.5).Should().BeEmpty();
    }
}
