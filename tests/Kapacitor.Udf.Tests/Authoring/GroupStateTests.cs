using Kapacitor.Udf.Tests.Support;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Authoring;

public class GroupStateTests
{
    [Fact]
    public void For_FirstPointOfAGroup_CreatesItsStateOnce()
    {
        var created = new List<string>();
        var groups = new GroupState<List<double>>(group =>
        {
            created.Add(group);
            return [];
        });

        groups.For(new Point { Group = "host=a" }).Add(1);
        groups.For(new Point { Group = "host=b" }).Add(2);
        groups.For(new Point { Group = "host=a" }).Add(3);

        created.Should().Equal("host=a", "host=b");
        groups["host=a"].Should().Equal(1, 3);
        groups.Count.Should().Be(2);
    }

    [Fact]
    public void For_CreateThrows_LeavesNoHalfMadeGroup()
    {
        var groups = new GroupState<int>(_ => throw new InvalidOperationException("no"));

        var create = () => groups.For("g");

        create.Should().Throw<InvalidOperationException>();
        groups.ContainsKey("g").Should().BeFalse();
    }

    [Fact]
    public void Load_ReplacesEveryGroupAndKeepsTheFactory()
    {
        var groups = new GroupState<int>(_ => 7);
        groups.For("old");

        groups.Load(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 });

        groups.Should().BeEquivalentTo(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 });
        groups.For("c").Should().Be(7);
    }

    [Fact]
    public void Load_EnumerationThrows_KeepsTheCurrentState()
    {
        var groups = new GroupState<int>(_ => 1);
        groups.For("kept");

        var load = () => groups.Load(Broken());

        load.Should().Throw<FormatException>();
        groups.Keys.Should().Equal("kept");

        static IEnumerable<KeyValuePair<string, int>> Broken()
        {
            yield return new("a", 1);
            throw new FormatException();
        }
    }

    [Fact]
    public void Snapshot_AsReadOnlyDictionary_RoundTripsThroughTheCodec()
    {
        var groups = new GroupState<List<double>>(_ => []);
        groups.For("host=a").Add(1.5);
        var codec = new SnapshotCodec<IReadOnlyDictionary<string, List<double>>>(1, TestJson.Default);

        var restored = new GroupState<List<double>>(_ => []);
        restored.Load(codec.Decode(codec.Encode(groups)).State!);

        restored["host=a"].Should().Equal(1.5);
        codec.Encode(new GroupState<List<double>>(_ => [])).IsEmpty.Should().BeTrue("no groups is empty state");
    }

    [Fact]
    public void RemoveAndClear_ForgetGroups()
    {
        var groups = new GroupState<int>(_ => 0);
        groups.For("a");
        groups.For("b");

        groups.Remove("a").Should().BeTrue();
        groups.Keys.Should().Equal("b");
        groups.Clear();
        groups.Count.Should().Be(0);
    }
}
