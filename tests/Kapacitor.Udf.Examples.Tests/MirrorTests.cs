using Kapacitor.Udf.Examples.Mirror;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;

namespace Kapacitor.Udf.Examples.Tests;

public class MirrorTests
{
    [Fact]
    public async Task Info_NoOptions_IsTheEmptyStreamToStreamAnswer()
    {
        await using var udf = UdfTestHarness.Start(MirrorUdf.Handler);

        await udf.SendAsync(new Request { Info = new InfoRequest() });

        // Reference §5.3: the frame is 02 0a 00.
        (await udf.ReadFrameOrEndAsync()).Should().Equal(0x02, 0x0a, 0x00);
    }

    [Fact]
    public async Task OnPoint_AnyPoint_ComesBackIdentical()
    {
        await using var udf = UdfTestHarness.Start(MirrorUdf.Handler);
        (await udf.InitAsync()).Success.Should().BeTrue();
        var input = TestPoint.Stream("test", 42, new Dictionary<string, string> { ["group"] = "a", ["host"] = "h" }, ["group"], byName: true)
            .SetField("value", 1.5).SetField("n", 2L).SetField("s", "x").SetField("b", true);

        await udf.SendPointAsync(input);

        (await udf.ReadOutputAsync()).Points.Should().ContainSingle().Which.Should().Be(input);
    }

    [Fact]
    public async Task OnPoint_TwelvePoints_AreAllEchoedInOrder()
    {
        // server_test.go testStreamAgentSocket: 12 points of group a; window(10s) then counts 10 of them.
        await using var udf = UdfTestHarness.Start(MirrorUdf.Handler);
        await udf.InitAsync();
        var points = Enumerable.Range(0, 12)
            .Select(t => TestPoint.Stream("test", t * 1_000_000_000L, new Dictionary<string, string> { ["group"] = "a" }, ["group"]).SetField("value", 1.0))
            .ToList();

        await udf.SendPointsAsync(points);

        (await udf.ReadOutputAsync()).Points.Should().Equal(points);
    }

    [Fact]
    public async Task Snapshot_IsEmptyAndRestoreSucceeds()
    {
        // Reference §5.3/requirement 41: not the Python examples' snapshot bug.
        await using var udf = UdfTestHarness.Start(MirrorUdf.Handler);
        await udf.InitAsync();

        (await udf.SnapshotAsync()).IsEmpty.Should().BeTrue();
        (await udf.RestoreAsync([0x7b])).Success.Should().BeTrue();
    }

    [Fact]
    public async Task Init_AnyOption_IsAnError()
    {
        await using var udf = UdfTestHarness.Start(MirrorUdf.Handler);

        var init = await udf.InitAsync(new InitRequest { Options = { new Option { Name = "size", Values = { new OptionValue { Type = Protocol.ValueType.Int, IntValue = 1 } } } } });

        init.Error.Should().StartWith("unknown option .size(1): this UDF takes no options");
    }

    [Fact]
    public async Task BeginBatch_IsAProtocolError()
    {
        await using var udf = UdfTestHarness.Start(MirrorUdf.Handler);
        await udf.InitAsync();

        await udf.SendBatchAsync("test", 0, []);

        (await udf.EndInputAsync()).Result!.Reason.Should().Be(UdfFailureReason.ProtocolViolation);
    }
}
