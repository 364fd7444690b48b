using System.Buffers;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Framing;

public class VarintFrameTests
{
    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(16383UL, new byte[] { 0xFF, 0x7F })]
    [InlineData(16384UL, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(1UL << 21, new byte[] { 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(1UL << 28, new byte[] { 0x80, 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(1UL << 63, new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })]
    public void WriteVarint_KnownValues_MatchesProtobufEncoding(ulong value, byte[] expected)
    {
        var buffer = new byte[VarintFrame.MaxPrefixLength];

        var written = VarintFrame.WriteVarint(buffer, value);

        buffer[..written].Should().Equal(expected);
        VarintFrame.GetPrefixLength(value).Should().Be(expected.Length);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(127UL)]
    [InlineData(128UL)]
    [InlineData(16383UL)]
    [InlineData(16384UL)]
    [InlineData(1UL << 21)]
    [InlineData(1UL << 28)]
    [InlineData((1UL << 31) - 1)]
    public void TryReadFrame_PrefixOfEachSize_DecodesLength(ulong length)
    {
        var prefix = new byte[VarintFrame.MaxPrefixLength];
        var prefixLength = VarintFrame.WriteVarint(prefix, length);
        var buffer = new ReadOnlySequence<byte>(prefix[..prefixLength]);

        var complete = VarintFrame.TryReadFrame(ref buffer, long.MaxValue, out _);

        // Only the prefix is here: a frame is complete only when the length is zero.
        complete.Should().Be(length == 0);
        if (length > 0)
        {
            VarintFrame.DescribeTruncation(buffer).Message.Should().Contain($"expected {length} payload bytes, got 0");
        }
    }

    public static TheoryData<string, IMessage, byte[]> ReferenceFrames() => new()
    {
        // §1.1 of the protocol reference: whole frames, length prefix first.
        { "Request{info}", new Request { Info = new InfoRequest() }, [0x02, 0x0a, 0x00] },
        { "Request{keepalive 42}", new Request { Keepalive = new KeepaliveRequest { Time = 42 } }, [0x04, 0x1a, 0x02, 0x08, 0x2a] },
        { "Response{keepalive 42}", new Response { Keepalive = new KeepaliveResponse { Time = 42 } }, [0x04, 0x1a, 0x02, 0x08, 0x2a] },
        { "Response{info stream}", new Response { Info = new InfoResponse() }, [0x02, 0x0a, 0x00] },
        {
            "Response{info batch}", new Response { Info = new InfoResponse { Wants = EdgeType.Batch, Provides = EdgeType.Batch } },
            [0x06, 0x0a, 0x04, 0x08, 0x01, 0x10, 0x01]
        },
        { "Response{init ok}", new Response { Init = new InitResponse { Success = true } }, [0x04, 0x12, 0x02, 0x08, 0x01] },
        { "Response{snapshot empty}", new Response { Snapshot = new SnapshotResponse() }, [0x02, 0x22, 0x00] },
        { "Response{restore ok}", new Response { Restore = new RestoreResponse { Success = true } }, [0x04, 0x2a, 0x02, 0x08, 0x01] },
        { "Response{error x}", new Response { Error = new ErrorResponse { Error = "x" } }, [0x05, 0x32, 0x03, 0x0a, 0x01, 0x78] },
        {
            "Response{point}", new Response { Point = new Point { Time = 1, FieldsDouble = { ["v"] = 1.5 } } },
            [
                0x13, // length 19
                0x8a, 0x01, 0x10, // field 17 (point), 16 bytes
                0x08, 0x01, // time = 1
                0x42, 0x0c, 0x0a, 0x01, 0x76, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f, // fieldsDouble{v: 1.5}
            ]
        },
    };

    [Theory]
    [MemberData(nameof(ReferenceFrames))]
    public void WriteFrame_ReferenceMessages_MatchKapacitorBytes(string name, IMessage message, byte[] expected)
    {
        var output = new ArrayBufferWriter<byte>();

        var written = VarintFrame.WriteFrame(output, message);

        output.WrittenSpan.ToArray().Should().Equal(expected, name);
        written.Should().Be(expected.Length);
    }

    [Fact]
    public void WriteFrame_300ByteSnapshot_UsesTwoBytePrefix()
    {
        var output = new ArrayBufferWriter<byte>();
        var response = new Response { Snapshot = new SnapshotResponse { Snapshot = ByteString.CopyFrom(new byte[300]) } };

        VarintFrame.WriteFrame(output, response);

        output.WrittenSpan[..2].ToArray().Should().Equal(0xb2, 0x02);
        output.WrittenCount.Should().Be(308);
    }

    [Fact]
    public void TryReadFrame_OneSegmentPerByte_DecodesEveryFrame()
    {
        var stream = Frames(
            new Request { Info = new InfoRequest() },
            new Request { Keepalive = new KeepaliveRequest { Time = 1L << 40 } },
            new Request { Restore = new RestoreRequest { Snapshot = ByteString.CopyFrom(new byte[200]) } });
        var buffer = Sequences.SegmentPerByte(stream);

        var decoded = ReadAll(ref buffer);

        decoded.Select(p => p.MessageCase).Should().Equal(
            Request.MessageOneofCase.Info, Request.MessageOneofCase.Keepalive, Request.MessageOneofCase.Restore);
        decoded[1].Keepalive.Time.Should().Be(1L << 40);
        decoded[2].Restore.Snapshot.Length.Should().Be(200);
        buffer.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void TryReadFrame_ManyFramesInOneBuffer_ReturnsEachInOrder()
    {
        var requests = Enumerable.Range(0, 1000).Select(i => new Request { Keepalive = new KeepaliveRequest { Time = i } }).ToArray();
        var buffer = new ReadOnlySequence<byte>(Frames(requests));

        var decoded = ReadAll(ref buffer);

        decoded.Select(r => r.Keepalive.Time).Should().Equal(Enumerable.Range(0, 1000).Select(i => (long)i));
    }

    [Fact]
    public void TryReadFrame_IncompletePayload_ReturnsFalseAndConsumesNothing()
    {
        var whole = Frames(new Request { Keepalive = new KeepaliveRequest { Time = 42 } });
        var buffer = new ReadOnlySequence<byte>(whole[..^1]);

        var complete = VarintFrame.TryReadFrame(ref buffer, long.MaxValue, out _);

        complete.Should().BeFalse();
        buffer.Length.Should().Be(whole.Length - 1);
    }

    [Fact]
    public void TryReadFrame_ZeroLengthFrame_IsAnEmptyPayload()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0x00 });

        var complete = VarintFrame.TryReadFrame(ref buffer, long.MaxValue, out var payload);

        complete.Should().BeTrue();
        payload.IsEmpty.Should().BeTrue();
        buffer.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void TryReadFrame_NonMinimalVarint_IsAcceptedAsGoDoes()
    {
        // 0x82 0x00 is a two-byte encoding of 2.
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0x82, 0x00, 0x0a, 0x00 });

        var complete = VarintFrame.TryReadFrame(ref buffer, long.MaxValue, out var payload);

        complete.Should().BeTrue();
        Request.Parser.ParseFrom(payload).MessageCase.Should().Be(Request.MessageOneofCase.Info);
    }

    [Fact]
    public void TryReadFrame_LengthAboveMaximum_FailsBeforeThePayloadArrives()
    {
        // 2^31 announced, no payload bytes at all: the decision needs the prefix only.
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x08 });

        var read = () => VarintFrame.TryReadFrame(ref buffer, VarintFrame.DefaultMaxFrameSize, out _);

        read.Should().Throw<FrameException>()
            .Where(e => e.Error == FrameError.FrameTooLarge)
            .WithMessage("frame length 2147483648 bytes exceeds the maximum frame size of 67108864 bytes");
    }

    [Fact]
    public void TryReadFrame_ExactlyTheMaximum_AcceptedAndOneMoreRefused()
    {
        // length 3 | three payload bytes; then length 4 | four payload bytes, against a maximum of 3.
        var atMaximum = new ReadOnlySequence<byte>(new byte[] { 0x03, 0x0a, 0x01, 0x00 });
        var overMaximum = new ReadOnlySequence<byte>(new byte[] { 0x04, 0x0a, 0x02, 0x00, 0x00 });

        var accepted = VarintFrame.TryReadFrame(ref atMaximum, 3, out var payload);
        var refuse = () => VarintFrame.TryReadFrame(ref overMaximum, 3, out _);

        accepted.Should().BeTrue();
        payload.Length.Should().Be(3);
        refuse.Should().Throw<FrameException>().Where(e => e.Error == FrameError.FrameTooLarge)
            .WithMessage("frame length 4 bytes exceeds the maximum frame size of 3 bytes");
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(127, 128)]
    [InlineData(128, 130)]
    [InlineData(300, 302)]
    public void WriteFrame_Payload_ReturnsPrefixPlusPayloadBytes(int payloadLength, int expected)
    {
        var output = new ArrayBufferWriter<byte>();

        var written = VarintFrame.WriteFrame(output, new byte[payloadLength]);

        written.Should().Be(expected);
        output.WrittenCount.Should().Be(expected);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })] // 11 bytes
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 })] // 10th byte > 1: 65 bits
    public void TryReadFrame_OverlongOrOverflowingVarint_FailsWithOverflow(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);

        var read = () => VarintFrame.TryReadFrame(ref buffer, long.MaxValue, out _);

        read.Should().Throw<FrameException>().Where(e => e.Error == FrameError.VarintOverflow);
    }

    [Theory]
    [InlineData(new byte[] { 0x00 }, 0UL, 1)]
    [InlineData(new byte[] { 0x05, 0x0a }, 5UL, 1)] // payload bytes after the prefix are not read
    [InlineData(new byte[] { 0xac, 0x02 }, 300UL, 2)]
    [InlineData(new byte[] { 0x80, 0x80, 0x00 }, 0UL, 3)] // non-minimal, accepted as Go does
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }, ulong.MaxValue, 10)]
    public void TryReadLength_WholePrefix_DecodesLengthAndPrefixLength(byte[] bytes, ulong expected, int expectedPrefix)
    {
        var read = VarintFrame.TryReadLength(bytes, out var length, out var prefixLength);

        read.Should().BeTrue();
        length.Should().Be(expected);
        prefixLength.Should().Be(expectedPrefix);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })] // 9 bytes, all continued
    public void TryReadLength_EndsInsideThePrefix_ReturnsFalse(byte[] bytes)
    {
        VarintFrame.TryReadLength(bytes, out var length, out var prefixLength).Should().BeFalse();
        (length, prefixLength).Should().Be((0UL, 0));
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })] // 11 bytes
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 })] // 10th byte > 1: 65 bits
    public void TryReadLength_OverlongOrOverflowingVarint_FailsWithOverflow(byte[] bytes)
    {
        var read = () => VarintFrame.TryReadLength(bytes, out _, out _);

        read.Should().Throw<FrameException>().Where(e => e.Error == FrameError.VarintOverflow);
    }

    [Fact]
    public void DescribeTruncation_InsideVarint_NamesThePrefix()
    {
        var error = VarintFrame.DescribeTruncation(new ReadOnlySequence<byte>(new byte[] { 0x80, 0x80 }));

        error.Error.Should().Be(FrameError.TruncatedLengthPrefix);
        error.Message.Should().Be("input ended inside a frame length prefix after 2 byte(s)");
    }

    [Fact]
    public void DescribeTruncation_InsidePayload_SaysHowManyBytesAreMissing()
    {
        var error = VarintFrame.DescribeTruncation(new ReadOnlySequence<byte>(new byte[] { 0x05, 0x0a, 0x00 }));

        error.Error.Should().Be(FrameError.TruncatedPayload);
        error.Message.Should().Be("input ended inside a frame: expected 5 payload bytes, got 2 (3 missing)");
    }

    internal static byte[] Frames(params IMessage[] messages)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var message in messages)
        {
            VarintFrame.WriteFrame(output, message);
        }

        return output.WrittenSpan.ToArray();
    }

    private static List<Request> ReadAll(ref ReadOnlySequence<byte> buffer)
    {
        var decoded = new List<Request>();
        while (VarintFrame.TryReadFrame(ref buffer, long.MaxValue, out var payload))
        {
            decoded.Add(Request.Parser.ParseFrom(payload));
        }

        return decoded;
    }
}
