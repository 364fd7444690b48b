using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.Simulator.Tests.Engine;

public sealed class GroupIdTests
{
    private static readonly Dictionary<string, string> Tags = new() { ["host"] = "a", ["region"] = "eu" };

    [Theory]
    [InlineData(new string[0], false, "")]
    [InlineData(new string[0], true, "cpu")]
    [InlineData(new[] { "host" }, false, "host=a")]
    [InlineData(new[] { "host", "region" }, false, "host=a,region=eu")]
    [InlineData(new[] { "region", "host" }, false, "region=eu,host=a")]
    [InlineData(new[] { "host", "region" }, true, "cpu\nhost=a,region=eu")]
    [InlineData(new[] { "missing" }, false, "missing=")]
    public void Compute_Dimensions_FollowsModelsToGroupId(string[] dimensions, bool byName, string expected)
    {
        // Act
        var id = GroupId.Compute("cpu", Tags, dimensions, byName);

        // Assert
        id.Should().Be(expected);
    }
}
