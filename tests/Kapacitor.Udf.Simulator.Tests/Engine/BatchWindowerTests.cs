using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Engine;
using static Kapacitor.Udf.Simulator.Tests.Support.TestData;

namespace Kapacitor.Udf.Simulator.Tests.Engine;

public sealed class BatchWindowerTests
{
    private const long Second = 1_000_000_000;
    private static readonly PointGrouper Grouper = new(["g"], byMeasurement: false, "db", "rp");

    private static Point At(long seconds, string group = "a") => Grouper.ToStreamPoint(Raw("m", seconds * Second, seconds, ("g", group)));

    [Fact]
    public void Add_PointOnTheBoundary_BelongsToTheNextWindow()
    {
        // Arrange
        var windower = new BatchWindower(10 * Second);
        windower.Add(At(9));

        // Act
        var completed = windower.Add(At(10));

        // Assert
        completed.Should().ContainSingle().Which.End.Tmax.Should().Be(10 * Second);
        completed[0].Points.Select(p => p.Time).Should().Equal(9 * Second);
    }

    [Fact]
    public void Add_Gap_SkipsEmptyWindowsLikeKapacitor()
    {
        // Arrange
        var windower = new BatchWindower(10 * Second);
        windower.Add(At(1));

        // Act
        var completed = windower.Add(At(35));

        // Assert
        completed.Should().ContainSingle().Which.End.Tmax.Should().Be(10 * Second);
        windower.Flush().Single().End.Tmax.Should().Be(40 * Second);
    }

    [Fact]
    public void Add_GapWithEmptyWindows_SendsSizeZeroBatchesForTheGap()
    {
        // Arrange
        var windower = new BatchWindower(10 * Second, emitEmptyWindows: true);
        windower.Add(At(1));

        // Act
        var completed = windower.Add(At(35));

        // Assert
        completed.Select(b => (b.End.Tmax, b.Begin.Size, b.Points.Count)).Should().Equal(
            (10 * Second, 1L, 1), (20 * Second, 0L, 0), (30 * Second, 0L, 0));
    }

    [Fact]
    public void Add_GroupsWindowIndependently_AndFlushOrdersByTmaxThenFirstSeen()
    {
        // Arrange
        var windower = new BatchWindower(10 * Second);
        windower.Add(At(1, "b"));
        windower.Add(At(2, "a"));
        windower.Add(At(25, "c"));

        // Act
        var flushed = windower.Flush();

        // Assert
        flushed.Select(b => (b.Begin.Group, b.End.Tmax)).Should().Equal(("g=b", 10 * Second), ("g=a", 10 * Second), ("g=c", 30 * Second));
    }

    [Fact]
    public void Add_LatePoint_JoinsTheCurrentWindow()
    {
        // Arrange
        var windower = new BatchWindower(10 * Second);
        windower.Add(At(15));
        windower.Add(At(3));

        // Act
        var flushed = windower.Flush();

        // Assert
        flushed.Single().Points.Select(p => p.Time).Should().Equal(15 * Second, 3 * Second);
    }

    [Theory]
    [InlineData(0L, 10L, 0L)]
    [InlineData(9L, 10L, 0L)]
    [InlineData(10L, 10L, 10L)]
    [InlineData(-1L, 10L, -10L)]
    [InlineData(86_400L * 3 + 5, 86_400L, 86_400L * 3)]
    public void Truncate_PeriodsThatDivideADay_AlignToTheUnixEpoch(long seconds, long periodSeconds, long expected)
    {
        // Act
        var start = WindowAlignment.Truncate(seconds * Second, periodSeconds * Second);

        // Assert
        start.Should().Be(expected * Second);
    }

    [Fact]
    public void Truncate_OneWeek_AlignsToGosZeroTimeNotTheEpoch()
    {
        // Arrange: Go's Truncate counts from 0001-01-01, a Monday; the epoch (1970-01-01) is a Thursday.
        var mondayJan5_1970 = 4 * 86_400 * Second;
        var week = 7 * 86_400 * Second;

        // Act
        var start = WindowAlignment.Truncate(mondayJan5_1970 + Second, week);

        // Assert
        start.Should().Be(mondayJan5_1970);
    }
}
