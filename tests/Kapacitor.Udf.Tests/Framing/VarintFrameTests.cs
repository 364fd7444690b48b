using System.Buffers;
using Kapacitor.Udf.Framing;

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
}
