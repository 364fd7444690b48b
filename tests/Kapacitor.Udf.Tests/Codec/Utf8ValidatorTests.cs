using System.Buffers;
using System.Text.Unicode;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Codec;

public class Utf8ValidatorTests
{
    public static TheoryData<string> Texts => new()
    {
        "41c3a9e282acf09f9880", // "Aé€😀": 1, 2, 3 and 4-byte characters
        "41c3",                 // ends inside a 2-byte character
        "e08080",               // overlong encoding
        "eda080",               // a UTF-16 surrogate
        "f4908080",             // above U+10FFFF
        "c328",                 // lead byte followed by ASCII
        "80",                   // a lone continuation byte
        "f0",                   // a lone 4-byte lead
        "f8",                   // never a lead byte
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void IsValid_SplitAtEveryBoundary_AgreesWithTheContiguousCheck(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        var expected = Utf8.IsValid(bytes);

        Utf8Validator.IsValid(Sequences.SegmentPerByte(bytes)).Should().Be(expected, "one byte per segment");
        for (var split = 0; split <= bytes.Length; split++)
        {
            Utf8Validator.IsValid(Sequences.FromSegments(bytes.AsMemory(0, split), bytes.AsMemory(split)))
                .Should().Be(expected, $"split at {split}");
        }
    }

    [Fact]
    public void IsValid_LargeStringInTwoSegments_AllocatesNothing()
    {
        // Issue 6: validation happens in place; copying would allocate in proportion to an untrusted length.
        var text = new byte[3 * 1024 * 1024];
        text.AsSpan().Fill((byte)'a');
        "€"u8.CopyTo(text.AsSpan(text.Length / 2 - 1)); // a character across the split
        var sequence = Sequences.FromSegments(text.AsMemory(0, text.Length / 2), text.AsMemory(text.Length / 2));
        Utf8Validator.IsValid(Sequences.FromSegments("ab"u8.ToArray(), "c"u8.ToArray())); // JIT, once

        var before = GC.GetAllocatedBytesForCurrentThread();
        var valid = Utf8Validator.IsValid(sequence);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        valid.Should().BeTrue();
        allocated.Should().Be(0);
    }
}
