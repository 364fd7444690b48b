using System.ComponentModel.DataAnnotations;
using Google.Protobuf;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Tests.Support;
using Serilog.Events;

namespace Kapacitor.Udf.Tests.Authoring;

public class StreamUdfTests
{
    [Fact]
    public async Task Info_FromTheOptionsClass_DeclaresStreamToStream()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Scale(ctx));

        var info = await udf.InfoAsync();

        info.Wants.Should().Be(EdgeType.Stream);
        info.Provides.Should().Be(EdgeType.Stream);
        info.Options.Keys.Should().BeEquivalentTo("field", "factor", "as");
    }

    [Fact]
    public async Task Init_BadOptions_AnswersEveryProblemInOneError()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Scale(ctx));

        var init = await udf.InitAsync(".factor(0.0)");

        init.Success.Should().BeFalse();
        init.Error.Should().Be(".field is required: add .field('value'); .factor(0.0) is invalid: it must be greater than 0.0");
    }

    [Fact]
    public async Task OnPoint_AfterInit_SeesTheBoundOptionsAndEmits()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Scale(ctx));
        (await udf.InitAsync(".field('v')", ".factor(2.0)", ".as('double')")).Success.Should().BeTrue();

        await udf.SendPointsAsync([new Point { Time = 1 }.SetField("v", 1.5), new Point { Time = 2 }.SetField("v", -1.0)]);

        (await udf.ReadOutputAsync()).Points.Select(p => p.FieldsDouble["double"]).Should().Equal(3.0, -2.0);
    }

    [Fact]
    public async Task Options_ReadInTheConstructor_FailsWithAClearMessage()
    {
        await using var udf = UdfTestHarness.Start(ctx => new ReadsOptionsTooEarly(ctx));

        var output = await udf.EndInputAsync();

        output.Result!.Reason.Should().Be(UdfFailureReason.HandlerFactoryFailed);
        output.Error.Should().Be(
            "handler factory: InvalidOperationException: Options are bound at Init: they cannot be read in the constructor or before Init (use OnInitAsync)");
    }

    [Fact]
    public async Task OnInitAsync_ThrowsUdfOptionsException_AnswersItsWordsAsIs()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Hooked(ctx) { OnInit = () => throw new UdfOptionsException(".size(3) needs .every() too") });

        (await udf.InitAsync()).Error.Should().Be(".size(3) needs .every() too");
    }

    [Fact]
    public async Task OnInitAsync_ThrowsAnythingElse_FailsTheInitWithTheException()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Hooked(ctx) { OnInit = () => throw new InvalidOperationException("no model") });

        var init = await udf.InitAsync();

        init.Error.Should().Be("Init: InvalidOperationException: no model");
    }

    [Fact]
    public async Task OnStopAsync_IsCalledOnceAtTheEnd()
    {
        Hooked? handler = null;
        await using var udf = UdfTestHarness.Start(ctx => handler = new Hooked(ctx));
        await udf.InitAsync();

        (await udf.EndInputAsync()).Result!.Succeeded.Should().BeTrue();

        handler!.Stops.Should().Be(1);
    }

    [Fact]
    public async Task Snapshot_WithoutUseSnapshots_IsEmptyAndRestoreIsAcceptedWithAWarning()
    {
        var log = new CollectingLogger();
        await using var udf = UdfTestHarness.Start(ctx => new Hooked(ctx), new UdfAgentOptions { Logger = log.Logger });
        await udf.InitAsync();

        (await udf.SnapshotAsync()).IsEmpty.Should().BeTrue();
        (await udf.RestoreAsync([1, 2, 3])).Success.Should().BeTrue();

        log.Messages(LogEventLevel.Warning).Should().Contain(m => m.StartsWith("Ignoring a 3-byte snapshot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Snapshot_BeforeInit_IsEmpty()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Counter(ctx, new SnapshotCodec<CountState>(1, TestJson.Default)));

        (await udf.SnapshotAsync()).IsEmpty.Should().BeTrue();
    }

    [Fact]
    public async Task Snapshot_ThenRestoreInANewConnection_BringsTheStateBack()
    {
        ByteString snapshot;
        await using (var first = UdfTestHarness.Start(ctx => new Counter(ctx, new SnapshotCodec<CountState>(1, TestJson.Default))))
        {
            await first.InitAsync();
            await first.SendPointsAsync([new Point(), new Point()]);
            snapshot = await first.SnapshotAsync();
        }

        await using var second = UdfTestHarness.Start(ctx => new Counter(ctx, new SnapshotCodec<CountState>(1, TestJson.Default)));
        await second.InitAsync();
        (await second.RestoreAsync(snapshot)).Success.Should().BeTrue();
        await second.SendPointAsync(new Point());

        (await second.ReadOutputAsync()).Points.Single().FieldsInt["count"].Should().Be(3);
    }

    [Fact]
    public async Task Restore_OtherVersionUnderStartFresh_WarnsAndSucceeds()
    {
        var log = new CollectingLogger();
        var old = new SnapshotCodec<CountState>(1, TestJson.Default).Encode(new CountState { Count = 5 });
        await using var udf = UdfTestHarness.Start(ctx => new Counter(ctx, new SnapshotCodec<CountState>(2, TestJson.Default)), new UdfAgentOptions { Logger = log.Logger });
        await udf.InitAsync();

        (await udf.RestoreAsync(old)).Success.Should().BeTrue();
        await udf.SendPointAsync(new Point());

        (await udf.ReadOutputAsync()).Points.Single().FieldsInt["count"].Should().Be(1, "the old state was discarded");
        log.Messages(LogEventLevel.Warning).Should().Contain(
            "Snapshot not restored: \"the snapshot has format version 1 and this UDF reads version 2, with no migration\"; starting with empty state (UnreadableSnapshotPolicy.StartFresh)");
    }

    [Fact]
    public async Task Restore_OtherVersionUnderFail_AnswersSuccessFalseNamingTheWayOut()
    {
        var old = new SnapshotCodec<CountState>(1, TestJson.Default).Encode(new CountState { Count = 5 });
        await using var udf = UdfTestHarness.Start(ctx => new Counter(ctx, new SnapshotCodec<CountState>(2, TestJson.Default) { Policy = UnreadableSnapshotPolicy.Fail }));
        await udf.InitAsync();

        var restore = await udf.RestoreAsync(old);

        restore.Success.Should().BeFalse();
        restore.Error.Should().Be(
            "the snapshot has format version 1 and this UDF reads version 2, with no migration. The task will fail on every start until a UDF that reads this snapshot is deployed, or the task is deleted and defined again (deleting a task deletes its snapshot)");
    }

    [Fact]
    public async Task Restore_Migrated_LogsTheVersions()
    {
        var log = new CollectingLogger();
        var old = new SnapshotCodec<CountState>(1, TestJson.Default).Encode(new CountState { Count = 5 });
        var codec = new SnapshotCodec<CountState>(2, TestJson.Default) { Migrate = (v, _) => v == 1 ? new CountState { Count = 50 } : null };
        await using var udf = UdfTestHarness.Start(ctx => new Counter(ctx, codec), new UdfAgentOptions { Logger = log.Logger });
        await udf.InitAsync();

        (await udf.RestoreAsync(old)).Success.Should().BeTrue();
        await udf.SendPointAsync(new Point());

        (await udf.ReadOutputAsync()).Points.Single().FieldsInt["count"].Should().Be(51);
        log.Messages(LogEventLevel.Information).Should().Contain("Restored a snapshot migrated from format version 1 to 2");
    }

    [Fact]
    public async Task Restore_LoadingTheStateThrows_ThePolicyApplies()
    {
        var codec = new SnapshotCodec<CountState>(1, TestJson.Default) { Policy = UnreadableSnapshotPolicy.Fail };
        var snapshot = codec.Encode(new CountState { Count = -1 });
        await using var udf = UdfTestHarness.Start(ctx => new Counter(ctx, codec));
        await udf.InitAsync();

        var restore = await udf.RestoreAsync(snapshot);

        restore.Success.Should().BeFalse();
        restore.Error.Should().StartWith("loading the restored state failed: ArgumentOutOfRangeException: ");
    }

    [Fact]
    public async Task Snapshot_GrowsPastTheMaximumFrame_IsRefusedAndTheLastGoodOneAnswered()
    {
        // The agent answers the last good snapshot when one is refused (UdfAgent.Worker); the codec names the reason.
        var log = new CollectingLogger();
        Counter? counter = null;
        await using var grows = UdfTestHarness.Start(
            ctx => counter = new Counter(ctx, new SnapshotCodec<CountState>(1, TestJson.Default)),
            new UdfAgentOptions { Logger = log.Logger, MaxFrameSize = 1024 });
        await grows.InitAsync();
        await grows.SendPointAsync(new Point());
        var good = await grows.SnapshotAsync();

        counter!.Padding = 2000;
        var answered = await grows.SnapshotAsync();

        good.IsEmpty.Should().BeFalse();
        answered.Should().Equal(good);
        log.Messages(LogEventLevel.Error).Should().Contain(m =>
            m.Contains("Snapshot: SnapshotTooLargeException: the snapshot needs a ", StringComparison.Ordinal)
            && m.Contains("more than the maximum frame size of 1024 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Init_SnapshotStateWithoutJsonMetadata_FailsNamingTheAttribute()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Counter(ctx, new SnapshotCodec<CountState>(1, new JsonSnapshotSerializer<CountState>(NoMetadataJson.Default))));

        var init = await udf.InitAsync();

        init.Success.Should().BeFalse();
        init.Error.Should().Contain("NoMetadataJson has no JSON metadata for the snapshot state CountState: add [JsonSerializable(typeof(CountState))]");
    }

    [Fact]
    public async Task UseSnapshots_CalledTwice_IsAProgrammingError()
    {
        await using var udf = UdfTestHarness.Start(ctx => new Counter(ctx, new SnapshotCodec<CountState>(1, TestJson.Default), twice: true));

        var output = await udf.EndInputAsync();

        output.Result!.Reason.Should().Be(UdfFailureReason.HandlerFactoryFailed);
        output.Error.Should().Contain("UseSnapshots was already called");
    }

    public sealed class ScaleOptions
    {
        public required string Field { get; init; }

        [Range(0.0, double.PositiveInfinity, MinimumIsExclusive = true)]
        public double Factor { get; init; } = 1;

        [UdfOption("as")]
        public string As { get; init; } = "scaled";
    }

    private sealed class Scale(UdfHandlerContext context) : StreamUdf<ScaleOptions>(context)
    {
        protected override ValueTask OnPointAsync(Point point) =>
            EmitAsync(point.CreateOutput().SetField(Options.As, point.GetDouble(Options.Field) * Options.Factor));
    }

    private sealed class ReadsOptionsTooEarly : StreamUdf<ScaleOptions>
    {
        public ReadsOptionsTooEarly(UdfHandlerContext context)
            : base(context) => _ = Options.Field;

        protected override ValueTask OnPointAsync(Point point) => ValueTask.CompletedTask;
    }

    private sealed class Hooked(UdfHandlerContext context) : StreamUdf<NoOptions>(context)
    {
        public Action OnInit { get; init; } = () => { };

        public int Stops { get; private set; }

        protected override ValueTask OnInitAsync()
        {
            OnInit();
            return ValueTask.CompletedTask;
        }

        protected override ValueTask OnPointAsync(Point point) => EmitAsync(point);

        protected override ValueTask OnStopAsync()
        {
            Stops++;
            return ValueTask.CompletedTask;
        }
    }

    public sealed class CountState
    {
        public long Count { get; set; }

        public string Padding { get; set; } = "";
    }

    // Counts points; its state is a CountState, optionally padded to grow the snapshot.
    private sealed class Counter : StreamUdf<NoOptions>
    {
        private CountState _state = new();

        public Counter(UdfHandlerContext context, SnapshotCodec<CountState> codec, bool twice = false)
            : base(context)
        {
            UseSnapshots(codec, () => _state.Count == 0 ? null : new CountState { Count = _state.Count, Padding = new string('x', Padding) }, Load);
            if (twice)
            {
                UseSnapshots(codec, () => _state, Load);
            }
        }

        public int Padding { get; set; }

        protected override ValueTask OnPointAsync(Point point)
        {
            _state.Count++;
            return EmitAsync(point.SetField("count", _state.Count));
        }

        private void Load(CountState state)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(state.Count);
            _state = state;
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
internal sealed partial class NoMetadataJson : System.Text.Json.Serialization.JsonSerializerContext;
