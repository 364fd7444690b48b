using System.Text.Json;
using Kapacitor.Udf.Tests.Support;
using Serilog.Events;

namespace Kapacitor.Udf.Tests.Authoring;

public class UdfStoreTests
{
    [Fact]
    public void GetOrAdd_CreatesOnceThenReturnsTheSameObject()
    {
        var store = new UdfStore(() => Serilog.Core.Logger.None);

        var first = store.GetOrAdd("k", static _ => new List<int>());
        first.Add(1);

        store.GetOrAdd("k", static _ => new List<int>()).Should().BeSameAs(first);
        store.Get<List<int>>("k").Should().Equal(1);
    }

    [Fact]
    public void TryGet_AnotherType_IsAProgrammingError()
    {
        var store = new UdfStore(() => Serilog.Core.Logger.None);
        store.Set("k", 1);

        var get = () => store.TryGet<string>("k", out _);

        get.Should().Throw<InvalidCastException>().WithMessage("the store's value for 'k' is a Int32, not a String");
    }

    [Fact]
    public void Get_Missing_Throws()
    {
        var get = () => new UdfStore(() => Serilog.Core.Logger.None).Get<int>("none");

        get.Should().Throw<KeyNotFoundException>();
    }

    [Fact]
    public void SaveThenLoad_ValuesReadBackAsTheTypeAskedFor()
    {
        var saved = new UdfStore(() => Serilog.Core.Logger.None);
        saved.Set("n", 3);
        saved.Set("nan", double.NaN);
        saved.GetOrAdd("list", static _ => new List<string> { "a" });
        var state = Roundtrip(saved.Save()!);

        var store = new UdfStore(() => Serilog.Core.Logger.None);
        store.Set("n", 0);
        store.Set("initOnly", true);
        store.Load(state);

        store.Get<int>("n").Should().Be(3, "restored keys replace what init set");
        double.IsNaN(store.Get<double>("nan")).Should().BeTrue();
        store.Get<List<string>>("list").Should().Equal("a");
        store.Get<bool>("initOnly").Should().BeTrue("keys only init set are kept");
    }

    [Fact]
    public void Load_ValueThatNoLongerReads_IsDroppedWithAWarning()
    {
        var log = new CollectingLogger();
        var store = new UdfStore(() => log.Logger);
        store.Load(Roundtrip(new Dictionary<string, object> { ["k"] = "text" }));

        store.TryGet<int>("k", out _).Should().BeFalse();
        store.ContainsKey("k").Should().BeFalse();
        log.Messages(LogEventLevel.Warning).Should().ContainSingle().Which.Should().StartWith("Dropping the restored value of \"k\": it does not read as \"Int32\"");
    }

    [Fact]
    public void Save_Empty_IsNull() => new UdfStore(() => Serilog.Core.Logger.None).Save().Should().BeNull();

    // Through bytes, as a snapshot would go.
    private static Dictionary<string, object> Roundtrip(Dictionary<string, object> state) =>
        JsonSerializer.Deserialize<Dictionary<string, object>>(JsonSerializer.SerializeToUtf8Bytes(state, JsonSnapshotSerializer.DefaultOptions), JsonSnapshotSerializer.DefaultOptions)!;
}
