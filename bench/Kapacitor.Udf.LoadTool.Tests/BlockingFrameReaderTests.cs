using Kapacitor.Udf.Framing;
using Kapacitor.Udf.LoadTool.Workloads;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Tests;

/// <summary>The tool's blocking reads hand every byte to the SDK's frame reader, whatever the reads' sizes.</summary>
public class BlockingFrameReaderTests
{
    private static byte[] Responses(int count) =>
        [.. Enumerable.Range(0, count).SelectMany(i => Frames.Encode(new Response { Keepalive = new KeepaliveResponse { Time = i } }))];

    [Theory]
    [InlineData(1)] // every frame cut across reads, and across the pipe's segments
    [InlineData(7)]
    [InlineData(64 * 1024)]
    public void ReadMessage_ReadsOfAnySize_EveryMessageInOrderThenNull(int chunk)
    {
        var bytes = Responses(5000);
        var reader = new BlockingFrameReader(new TrickleStream(bytes, chunk), readSize: 4096);

        var times = new List<long>();
        while (reader.ReadMessage(Response.Parser) is { } response)
        {
            times.Add(response.Keepalive.Time);
        }

        times.Should().Equal(Enumerable.Range(0, 5000).Select(i => (long)i));
        reader.Bytes.Should().Be(bytes.Length);
        reader.Reads.Should().BeGreaterThanOrEqualTo((bytes.Length + chunk - 1) / chunk);
    }

    [Fact]
    public void ReadMessage_StreamEndsInsideAFrame_ThrowsTruncatedPayloadAfterTheWholeOnes()
    {
        var bytes = Responses(2);
        var reader = new BlockingFrameReader(new MemoryStream(bytes[..^1]));

        reader.ReadMessage(Response.Parser)!.Keepalive.Time.Should().Be(0);
        var next = () => reader.ReadMessage(Response.Parser);

        next.Should().Throw<FrameException>().Which.Error.Should().Be(FrameError.TruncatedPayload);
    }

    [Fact]
    public void ReadMessage_FrameAboveTheCap_ThrowsFrameTooLarge()
    {
        var reader = new BlockingFrameReader(new MemoryStream(Responses(1)), maxFrameSize: 1);

        var read = () => reader.ReadMessage(Response.Parser);

        read.Should().Throw<FrameException>().Which.Error.Should().Be(FrameError.FrameTooLarge);
    }

    // At most `chunk` bytes per read, as a pipe may cut anywhere.
    private sealed class TrickleStream(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);
    }
}
