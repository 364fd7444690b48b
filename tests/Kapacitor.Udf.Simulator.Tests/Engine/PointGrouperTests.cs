using Kapacitor.Udf.Simulator.Engine;
using static Kapacitor.Udf.Simulator.Tests.Support.TestData;

namespace Kapacitor.Udf.Simulator.Tests.Engine;

public sealed class PointGrouperTests
{
    [Fact]
    public void ToStreamPoint_UnsortedGroupBy_SortsDimensionsAsKapacitorDoes()
    {
        // Arrange
        var grouper = new PointGrouper(["region", "host"], byMeasurement: false, "mydb", "autogen");

        // Act
        var point = grouper.ToStreamPoint(Raw("cpu", 1, 1, ("region", "eu"), ("host", "a"), ("core", "0")));

        // Assert
        point.Dimensions.Should().Equal("host", "region");
        point.Group.Should().Be("host=a,region=eu");
        point.Database.Should().Be("mydb");
        point.RetentionPolicy.Should().Be("autogen");
        point.Tags.Should().HaveCount(3);
    }

    [Fact]
    public void ToStreamPoint_Star_GroupsByEverySortedTag()
    {
        // Arrange
        var grouper = new PointGrouper(["*"], byMeasurement: true, "db", "rp");

        // Act
        var point = grouper.ToStreamPoint(Raw("cpu", 1, 1, ("z", "1"), ("a", "2")));

        // Assert
        point.Dimensions.Should().Equal("a", "z");
        point.Group.Should().Be("cpu\na=2,z=1");
        point.ByName.Should().BeTrue();
    }

    [Fact]
    public void ToStreamPoint_Input_IsNotModified()
    {
        // Arrange
        var raw = Raw("cpu", 1, 1, ("host", "a"));

        // Act
        new PointGrouper(["host"], false, "db", "rp").ToStreamPoint(raw);

        // Assert
        raw.Group.Should().BeEmpty();
        raw.Database.Should().BeEmpty();
    }

    [Theory]
    [InlineData(new[] { "*", "host" }, "cannot group by both '*' and named dimensions.")]
    [InlineData(new[] { "" }, "dimensions cannot not be the empty string")]
    public void Constructor_InvalidDimensions_FailsWithKapacitorsText(string[] groupBy, string message)
    {
        // Act
        var act = () => new PointGrouper(groupBy, false, "db", "rp");

        // Assert
        act.Should().Throw<ArgumentException>().Which.Message.Should().StartWith(message);
    }

    [Fact]
    public void GroupTags_MissingDimension_IsEmptyValue()
    {
        // Arrange
        var point = new PointGrouper(["dc", "host"], false, "db", "rp").ToStreamPoint(Raw("cpu", 1, 1, ("host", "a")));

        // Act
        var tags = PointGrouper.GroupTags(point);

        // Assert
        tags.Should().BeEquivalentTo(new Dictionary<string, string> { ["dc"] = string.Empty, ["host"] = "a" });
        point.Group.Should().Be("dc=,host=a");
    }
}
