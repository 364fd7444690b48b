using Kapacitor.Udf.Codec;

namespace Kapacitor.Udf.Tests.Codec;

public class WireReaderTests
{
    [Theory]
    [InlineData(new byte[] { 0x00 }, 0UL)]
    [InlineData(new byte[] { 0x96, 0x01 }, 150UL)]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }, ulong.MaxValue)] // 10th byte: the 64th bit
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, 0UL)] // 10 bytes, non-minimal
    public void TryReadVarint_Valid_DecodedAndConsumed(byte[] bytes, ulong expected)
    {
        var reader = new WireReader(bytes);

        var read = reader.TryReadVarint(out var value);

        read.Should().BeTrue();
        value.Should().Be(expected);
        reader.End.Should().BeTrue();
    }

    [Theory]
    [InlineData(new byte[] { 0x80 })] // ends inside
    [InlineData(new byte[] { })] // nothing at all
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 })] // 65 bits
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 })] // 11 bytes
    public void TryReadVarint_Malformed_Declined(byte[] bytes)
    {
        var reader = new WireReader(bytes);

        reader.TryReadVarint(out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(new byte[] { 0x08 }, true)] // field 1, varint
    [InlineData(new byte[] { 0x00 }, false)] // field 0 is invalid
    [InlineData(new byte[] { 0x07 }, false)] // field 0 with wire type 7
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x10 }, false)] // above 32 bits
    [InlineData(new byte[] { 0xf8, 0xff, 0xff, 0xff, 0x0f }, true)] // uint.MaxValue - 7: the largest field number
    public void TryReadTag_FieldNumbers_OnlyValidOnesRead(byte[] bytes, bool expected)
    {
        var reader = new WireReader(bytes);

        reader.TryReadTag(out var tag).Should().Be(expected);
        if (!expected)
        {
            tag.Should().Be(0);
        }
    }

    [Fact]
    public void TryReadFixed64_ExactlyEightBytes_ReadLittleEndian()
    {
        var reader = new WireReader([1, 0, 0, 0, 0, 0, 0, 0x80]);

        reader.TryReadFixed64(out var value).Should().BeTrue();
        value.Should().Be(0x8000_0000_0000_0001UL);
        reader.End.Should().BeTrue();
    }

    [Fact]
    public void TryReadFixed64_SevenBytes_DeclinedAndNothingConsumed()
    {
        var reader = new WireReader([1, 2, 3, 4, 5, 6, 7]);

        reader.TryReadFixed64(out var value).Should().BeFalse();
        value.Should().Be(0);
        reader.Remaining.Should().Be(7);
    }

    [Fact]
    public void TryReadLengthDelimited_LengthBeyondTheInput_Declined()
    {
        var whole = new WireReader([0x02, 0x61, 0x62]);
        var cut = new WireReader([0x03, 0x61, 0x62]);

        whole.TryReadLengthDelimited(out var bytes).Should().BeTrue();
        bytes.ToArray().Should().Equal(0x61, 0x62);
        cut.TryReadLengthDelimited(out _).Should().BeFalse();
    }
}
