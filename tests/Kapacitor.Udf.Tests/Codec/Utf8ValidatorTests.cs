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

    public static TheoryData<string, string, string?> Walks => new()
    {
        // Request.point (field 17) holding the bytes after it; 0xff is never valid UTF-8.
        { "fixed64 value before an invalid map key", "8a010e" + "420c" + "11" + "0000000000000000" + "0a01ff", "point.fieldsDouble (key)" },
        { "fixed32 unknown field before an invalid name", "8a0109" + "a501" + "00000000" + "1201ff", "point.name" },
        { "varint time before an invalid name", "8a0106" + "089601" + "1201ff", "point.name" },
        { "fixed64 cut short", "8a0109" + "a101" + "00000000000000", null },
        { "a group (wire type 3) before an invalid name", "8a0105" + "a301" + "1201ff", null },
        { "a string longer than the input", "8a0103" + "1205ff", null },
    };

    [Theory]
    [MemberData(nameof(Walks))]
    public void FindInvalidString_FieldsOfEveryWireType_SkippedOrLeftToTheParse(string name, string hex, string? expected)
    {
        // Anything malformed is left alone (null): the protobuf parse that follows reports it.
        var found = Utf8Validator.FindInvalidString(new ReadOnlySequence<byte>(Convert.FromHexString(hex)));

        found.Should().Be(expected, name);
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
