namespace Kapacitor.Udf.Tests.Authoring;

public class UdfTimeTests
{
    [Fact]
    public void FromDateTimeOffset_IsExactNanoseconds()
    {
        var time = DateTimeOffset.UnixEpoch.AddTicks(12_345_678_901);

        UdfTime.FromDateTimeOffset(time).Should().Be(1_234_567_890_100);
        UdfTime.FromDateTimeOffset(new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero)).Should().Be(-1_000_000_000);
    }

    [Fact]
    public void ToDateTimeOffset_WholeTicks_RoundTrips()
    {
        UdfTime.ToDateTimeOffset(1_234_567_890_100).Should().Be(DateTimeOffset.UnixEpoch.AddTicks(12_345_678_901));
        UdfTime.FromDateTimeOffset(UdfTime.ToDateTimeOffset(-500)).Should().Be(-500);
    }

    [Fact]
    public void ToDateTimeOffset_SubTickNanoseconds_IsAnErrorNotARounding()
    {
        var convert = () => UdfTime.ToDateTimeOffset(1_000_000_007);

        convert.Should().Throw<ArgumentException>().WithMessage("1000000007 ns is not a whole number of 100 ns ticks, so a DateTimeOffset would lose 7 ns*");
    }

    [Fact]
    public void ToDateTimeOffsetTruncated_DropsSubTickNanosecondsTowardsTheEarlierTime()
    {
        UdfTime.ToDateTimeOffsetTruncated(1_000_000_007).Should().Be(DateTimeOffset.UnixEpoch.AddTicks(10_000_000));
        UdfTime.ToDateTimeOffsetTruncated(-7).Should().Be(DateTimeOffset.UnixEpoch.AddTicks(-1));
    }

    [Fact]
    public void Nanoseconds_IsExactAndChecked()
    {
        UdfTime.Nanoseconds(TimeSpan.FromTicks(3)).Should().Be(300);
        var overflow = () => UdfTime.Nanoseconds(TimeSpan.MaxValue);
        overflow.Should().Throw<OverflowException>();
    }
}
