using System.Buffers;
using Google.Protobuf;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Codec;

/// <summary>Measures allocations process-wide (the agent's own threads), so nothing else may run meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "allocation measurements";
}

/// <summary>
/// Issue 6 security: no input can make the agent allocate what a length field claims before the bytes exist. The Go
/// reader allocates a 2 GiB prefix up front (reference §1.2); here a 60 MiB claim followed by 10 bytes must cost
/// about what 10 bytes cost, on every path that reads a length from the input.
/// </summary>
[Collection(AllocationCollection.Name)]
public class InputSizedAllocationTests
{
    private const int Claimed = 60 * 1024 * 1024;

    // Far below the claim, far above the fixed costs (pipe segments, the agent's threads, exception objects).
    private const long Budget = 4 * 1024 * 1024;

    [Fact]
    public void TryReadFrame_PrefixClaims60MiBThenTenBytes_AllocatesFarLessThanTheClaim()
    {
        byte[] input = [.. Varint(Claimed), .. new byte[10]];
        var buffer = Sequences.FromSegments(input.AsMemory(0, 3), input.AsMemory(3));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var whole = VarintFrame.TryReadFrame(ref buffer, VarintFrame.DefaultMaxFrameSize, out _);
        var error = VarintFrame.DescribeTruncation(buffer);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        whole.Should().BeFalse("the frame is not all there");
        error.Error.Should().Be(FrameError.TruncatedPayload);
        allocated.Should().BeLessThan(Budget);
    }

    public static TheoryData<string, byte[]> InnerLengths => new()
    {
        // point.name (string) claiming 60 MiB: the fast decoder declines, the UTF-8 walk and Google.Protobuf refuse.
        { "point.name", Wrapped(17, [0x12, .. Varint(Claimed), .. new byte[10]]) },
        // a tags map entry claiming 60 MiB, and a key inside a well-sized entry claiming 60 MiB
        { "point.tags entry", Wrapped(17, [0x3a, .. Varint(Claimed), .. new byte[10]]) },
        { "point.tags key", Wrapped(17, [0x3a, 0x0e, 0x0a, .. Varint(Claimed), .. new byte[9]]) },
        { "point.fieldsString value", Wrapped(17, [0x52, 0x0e, 0x12, .. Varint(Claimed), .. new byte[9]]) },
        // restore.snapshot (bytes) claiming 60 MiB: straight to Google.Protobuf.
        { "restore.snapshot", Wrapped(5, [0x0a, .. Varint(Claimed), .. new byte[10]]) },
        // init.options[].name: a string two messages deep.
        { "init.options.name", Wrapped(2, [0x0a, 0x0e, 0x0a, .. Varint(Claimed), .. new byte[9]]) },
        // the message itself (Request.point) claiming 60 MiB inside a small frame.
        { "request.point", [0x8a, 0x01, .. Varint(Claimed), .. new byte[10]] },
    };

    [Theory]
    [MemberData(nameof(InnerLengths))]
    public void Decode_InnerLengthClaims60MiBThenTenBytes_AllocatesFarLessThanTheClaim(string field, byte[] payload)
    {
        // The agent's decode path, step by step (UdfAgent.Decode): fast decoder, UTF-8 walk, then Google.Protobuf.
        var sequence = Sequences.FromSegments(payload.AsMemory(0, payload.Length / 2), payload.AsMemory(payload.Length / 2));
        var decoder = new DataFrameDecoder();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = decoder.TryDecode(payload, new Request());
        Utf8Validator.FindInvalidString(sequence);
        var parse = () => Request.Parser.ParseFrom(sequence);
        parse.Should().Throw<InvalidProtocolBufferException>($"{field} runs past the end of the payload");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        status.Should().NotBe(DecodeStatus.Decoded);
        allocated.Should().BeLessThan(Budget, $"{field} claims {Claimed} bytes but only a few exist");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_FrameClaims60MiBThenTenBytesThenEof_ErrorWithoutAllocatingTheClaim(bool innerClaim)
    {
        // End to end through the agent's threads: a frame prefix claiming 60 MiB (under the 64 MiB maximum), or a
        // whole small frame whose point claims 60 MiB; either way one ErrorResponse and no 60 MiB buffer.
        byte[] input = innerClaim
            ? [.. Varint(13 + 3), .. Wrapped(17, [0x12, .. Varint(Claimed), .. new byte[8]])]
            : [.. Varint(Claimed), .. new byte[10]];
        await using var harness = UdfTestHarness.Start(ctx => new TestHandler(ctx));
        await harness.SendAsync(Requests.Init());
        (await harness.ReadAsync()).Init.Success.Should().BeTrue();

        var before = GC.GetTotalAllocatedBytes(precise: true);
        await harness.SendBytesAsync(input);
        harness.CompleteInput();
        var responses = await harness.ReadToEndAsync();
        var result = await harness.WaitForExitAsync();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        result.Reason.Should().Be(innerClaim ? UdfFailureReason.MalformedRequest : UdfFailureReason.InputTruncated);
        responses.Should().ContainSingle().Which.MessageCase.Should().Be(Response.MessageOneofCase.Error);
        allocated.Should().BeLessThan(Budget);
    }

    // A Request whose oneof field <paramref name="field"/> holds <paramref name="body"/> (the body's own length is
    // honest; the claims are inside it).
    private static byte[] Wrapped(int field, byte[] body) =>
        [.. Varint((ulong)((field << 3) | 2)), .. Varint((ulong)body.Length), .. body];

    private static byte[] Varint(ulong value)
    {
        var buffer = new byte[VarintFrame.MaxPrefixLength];
        return buffer[..VarintFrame.WriteVarint(buffer, value)];
    }

    private static byte[] Varint(int value) => Varint((ulong)value);
}
