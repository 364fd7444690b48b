using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Authoring;

public class BatchTests
{
    [Fact]
    public void Metadata_ComesFromBeginNotFromPointsOrEnd()
    {
        // Requirement 19: batch points carry only time/group/tags/fields; EndBatch.byName is never set.
        var batch = new Batch(
            new BeginBatch { Name = "cpu", Group = "cpu\nhost=a", Tags = { ["host"] = "a" }, Size = 1, ByName = true },
            [new Point { Time = 1 }],
            new EndBatch { Name = "cpu", Group = "cpu\nhost=a", Tags = { ["host"] = "a" }, Tmax = 99 });

        batch.Name.Should().Be("cpu");
        batch.ByName.Should().BeTrue();
        batch.Tags.Should().Equal(new Dictionary<string, string> { ["host"] = "a" });
        batch.Tmax.Should().Be(99);
        batch.Count.Should().Be(1);
    }

    [Fact]
    public void CreateOutput_EchoesBeginAndEndWithoutPoints()
    {
        var begin = new BeginBatch { Name = "cpu", Group = "host=a", Tags = { ["host"] = "a" }, Size = 3, ByName = true };
        var end = new EndBatch { Name = "cpu", Group = "host=a", Tags = { ["host"] = "a" }, Tmax = 99 };
        var batch = new Batch(begin, [new Point(), new Point(), new Point()], end);

        var reply = batch.CreateOutput();

        reply.Count.Should().Be(0);
        reply.Begin.Should().Be(begin).And.NotBeSameAs(begin);
        reply.End.Should().Be(end).And.NotBeSameAs(end);
    }

    [Fact]
    public void ToStreamPoint_CarriesTheBatchGroupAndThePointsTimeTagsAndFields()
    {
        var batch = new Batch(
            new BeginBatch { Name = "cpu", Group = "dc=x,host=a", Tags = { ["host"] = "a", ["dc"] = "x" }, ByName = false },
            [],
            new EndBatch { Name = "cpu", Tmax = 9 });
        var point = new Point { Time = 5, Group = "dc=x,host=a", Tags = { ["host"] = "a", ["dc"] = "x", ["core"] = "1" } }.SetField("v", 2.0);

        var stream = batch.ToStreamPoint(point);

        stream.Should().Be(new Point
        {
            Time = 5,
            Name = "cpu",
            Group = "dc=x,host=a",
            Dimensions = { "dc", "host" },
            Tags = { ["host"] = "a", ["dc"] = "x", ["core"] = "1" },
            FieldsDouble = { ["v"] = 2.0 },
        });
        stream.FieldsDouble.Should().NotBeSameAs(point.FieldsDouble);
    }

    [Fact]
    public void BatchBuilder_New_DerivesKapacitorsGroupIdFromSortedTags()
    {
        var builder = new BatchBuilder("cpu", new Dictionary<string, string> { ["host"] = "a", ["dc"] = "x" }, tmax: 10, byName: true);

        builder.Begin.Group.Should().Be("cpu\ndc=x,host=a");
        builder.End.Group.Should().Be("cpu\ndc=x,host=a");
        builder.End.Tags.Should().Equal(new Dictionary<string, string> { ["host"] = "a", ["dc"] = "x" });
        builder.Tmax.Should().Be(10);
        new BatchBuilder("cpu", null, 0).Begin.Group.Should().BeEmpty();
        new BatchBuilder("cpu", null, 0, byName: true).Begin.Group.Should().Be("cpu");
    }

    [Fact]
    public void BatchBuilder_AddPoint_AddsAndReturnsIt()
    {
        var builder = new BatchBuilder("cpu", null, 0);

        builder.AddPoint(7).SetField("v", 1.0);
        builder.Add(new Point { Time = 8 });

        builder.Points.Select(p => p.Time).Should().Equal(7, 8);
        builder.Count.Should().Be(2);
    }
}
