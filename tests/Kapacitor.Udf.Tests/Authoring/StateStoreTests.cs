using Kapacitor.Udf.Tests.Support;
using Serilog.Events;

namespace Kapacitor.Udf.Tests.Authoring;

public class StateStoreTests
{
    [Fact]
    public void GetOrAdd_CreatesOnceThenReturnsTheSameObject()
    {
        var store = new StateStore(() => Serilog.Core.Logger.None, TestJson.Default);

        var first = store.GetOrAdd("k", static _ => new List<int>());
        first.Add(1);

        store.GetOrAdd("k", static _ => new List<int>()).Should().BeSameAs(first);
        store.Get<List<int>>("k").Should().Equal(1);
    }

    [Fact]
    public void TryGet_AnotherType_IsAProgrammingError()
    {
        var store = new StateStore(() => Serilog.Core.Logger.None, TestJson.Default);
        store.Set("k", 1);

        var get = () => store.TryGet<string>("k", out _);

        get.Should().Throw<InvalidCastException>().WithMessage("the store's value for 'k' is a Int32, not a String");
    }

    [Fact]
    public void Get_Missing_Throws()
    {
        var get = () => new StateStore(() => Serilog.Core.Logger.None, TestJson.Default).Get<int>("none");

        get.Should().Throw<KeyNotFoundException>();
    }

    [Fact]
    public void SaveThenLoad_ValuesReadBackAsTheTypeAskedFor()
    {
        var saved = new StateStore(() => Serilog.Core.Logger.None, TestJson.Default);
        saved.Set("n", 3);
        saved.Set("nan", double.NaN);
        saved.GetOrAdd("list", static _ => new List<string> { "a" });
        var state = Roundtrip(saved.Save()!);

        var store = new StateStore(() => Serilog.Core.Logger.None, TestJson.Default);
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
        var store = new StateStore(() => log.Logger, TestJson.Default);
        store.Load(Roundtrip(new Dictionary<string, object> { ["k"] = "text" }));

        store.TryGet<int>("k", out _).Should().BeFalse();
        store.ContainsKey("k").Should().BeFalse();
        log.Messages(LogEventLevel.Warning).Should().ContainSingle().Which.Should().StartWith("Dropping the restored value of \"k\": it does not read as \"Int32\"");
    }

    [Fact]
    public void Save_Empty_IsNull() => new StateStore(() => Serilog.Core.Logger.None, TestJson.Default).Save().Should().BeNull();

    [Fact]
    public void Set_TypeWithoutJsonMetadata_FailsAtOnceNamingTheFix()
    {
        var set = () => new StateStore(() => Serilog.Core.Logger.None, null).Set("k", new List<int>());

        set.Should().Throw<InvalidOperationException>().WithMessage(
            "the store cannot keep a List`1: it has no JSON metadata*[JsonSerializable(typeof(List`1))]*storeTypes: MyJson.Default");
    }

    [Fact]
    public void SaveThenLoad_PrimitivesWithoutAContext_RoundTrip()
    {
        var saved = new StateStore(() => Serilog.Core.Logger.None, null);
        saved.Set("n", 3L);
        saved.Set("s", "x");
        var store = new StateStore(() => Serilog.Core.Logger.None, null);

        store.Load(Roundtrip(saved.Save()!, saved));

        store.Get<long>("n").Should().Be(3);
        store.Get<string>("s").Should().Be("x");
    }

    // Through bytes, as a snapshot would go.
    private static Dictionary<string, object> Roundtrip(Dictionary<string, object> state, StateStore? through = null)
    {
        var serializer = (through ?? new StateStore(() => Serilog.Core.Logger.None, TestJson.Default)).Serializer;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        serializer.Serialize(buffer, state);
        return serializer.Deserialize(buffer.WrittenSpan)!;
    }
}
