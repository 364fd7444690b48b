using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Authoring;

public class PointExtensionsTests
{
    [Fact]
    public void CreateOutput_CopiesEverythingThatMakesTheGroupButNoFields()
    {
        var input = new Point
        {
            Time = 123,
            Name = "cpu",
            Database = "db",
            RetentionPolicy = "rp",
            Group = "cpu\nhost=a",
            Dimensions = { "host" },
            ByName = true,
            Tags = { ["host"] = "a", ["dc"] = "x" },
            FieldsDouble = { ["v"] = 1 },
            FieldsInt = { ["i"] = 1 },
            FieldsString = { ["s"] = "s" },
            FieldsBool = { ["b"] = true },
        };

        var output = input.CreateOutput();

        output.Should().Be(new Point
        {
            Time = 123,
            Name = "cpu",
            Database = "db",
            RetentionPolicy = "rp",
            Group = "cpu\nhost=a",
            Dimensions = { "host" },
            ByName = true,
            Tags = { ["host"] = "a", ["dc"] = "x" },
        });
        output.Tags.Should().NotBeSameAs(input.Tags);
    }

    [Fact]
    public void SetField_AKeyInAnotherMap_MovesItSoKapacitorSeesOneValue()
    {
        // Requirement 24: Kapacitor would otherwise pick by precedence (bool > double > int > string).
        var point = new Point();

        point.SetField("f", "text").SetField("f", 1L).SetField("f", true).SetField("f", 2.5);

        point.FieldsDouble.Should().Equal(new Dictionary<string, double> { ["f"] = 2.5 });
        point.FieldsInt.Should().BeEmpty();
        point.FieldsString.Should().BeEmpty();
        point.FieldsBool.Should().BeEmpty();
        point.SetField("f", "again").FieldsDouble.Should().BeEmpty();
    }

    [Fact]
    public void GetDouble_IntOrMissingField_ReadsAsTheMissingValue()
    {
        var point = new Point { FieldsDouble = { ["d"] = 1.5 }, FieldsInt = { ["i"] = 7 } };

        point.GetDouble("d").Should().Be(1.5);
        point.GetDouble("i").Should().Be(0, "only float fields count, as in Kapacitor's examples");
        point.GetDouble("none", double.NaN).Should().Be(double.NaN);
    }

    [Fact]
    public void ClearFields_EmptiesAllFourMaps()
    {
        var point = new Point().SetField("a", 1.0).SetField("b", 1L).SetField("c", "c").SetField("d", false);

        point.ClearFields();

        (point.FieldsDouble.Count + point.FieldsInt.Count + point.FieldsString.Count + point.FieldsBool.Count).Should().Be(0);
    }

    [Fact]
    public void RemoveField_KeyInEveryMap_RemovesItFromAllAndKeepsOtherKeys()
    {
        var point = new Point
        {
            FieldsDouble = { ["v"] = 1, ["keep"] = 2 },
            FieldsInt = { ["v"] = 1 },
            FieldsString = { ["v"] = "s" },
            FieldsBool = { ["v"] = true },
        };

        point.RemoveField("v").Should().BeSameAs(point);

        point.Should().Be(new Point { FieldsDouble = { ["keep"] = 2 } });
    }
}
