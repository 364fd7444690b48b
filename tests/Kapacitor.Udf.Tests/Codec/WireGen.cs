using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Kapacitor.Udf.Framing;

namespace Kapacitor.Udf.Tests.Codec;

/// <summary>
/// Generates hand-made wire encodings of Request{point|begin|end}: everything a protobuf writer may legally produce
/// beyond the canonical form (any field order, repeated singular fields, map entries missing key or value, entry
/// fields reversed or repeated, duplicate map keys, unknown fields) plus what Google.Protobuf keeps as unknown
/// (known numbers with the wrong wire type), invalid UTF-8, and the occasional malformed item.
/// </summary>
internal static class WireGen
{
    /// <summary>A generated request encoding; <see cref="HasInvalidUtf8"/> says whether a string holds bad UTF-8.</summary>
    public sealed record Case(byte[] Bytes, bool HasInvalidUtf8)
    {
        public override string ToString() => Convert.ToHexString(Bytes);
    }

    private static readonly Gen<byte[]> ValidUtf8 = ProtocolGen.Strings.Select(s => Encoding.UTF8.GetBytes(s));

    private static readonly Gen<byte[]> InvalidUtf8 = Gen.Elements<byte[]>([0xff], [0xc3], [0x61, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]);

    // Legal-but-unusual encodings (the fast path must take them) and encodings with junk (it must decline them).
    public static readonly Gen<Case> Requests = Gen.Frequency((3, Request(junk: false)), (2, Request(junk: true)));

    private static Gen<Case> Request(bool junk) =>
        from kind in Gen.Elements(17, 16, 18)
        from items in Gen.ListOf(Item(kind, junk), 12)
        from extra in junk ? Gen.Frequency((2, Gen.Constant(Array.Empty<byte>())), (1, TopLevelExtra)) : Gen.Constant(Array.Empty<byte>())
        let body = items.SelectMany(i => i.Bytes).ToArray()
        select new Case([.. Tag(kind, 2), .. Varint((ulong)body.Length), .. body, .. extra], items.Any(i => i.HasInvalidUtf8));

    private static readonly Gen<byte[]> TopLevelExtra = Gen.Elements<byte[]>(
        [0x1a, 0x02, 0x08, 0x2a], // a keepalive after the point: the oneof switches
        [0xa0, 0x01, 0x05], // unknown varint field 20
        [0x8a, 0x01, 0x00]); // a second, empty point: merged

    private static Gen<Case> Item(int kind, bool junk)
    {
        var stringFields = kind == 17 ? new[] { 2, 3, 4, 5, 6 } : [1, 2];
        var varintFields = kind switch { 17 => new[] { 1, 11 }, 16 => [4, 5], _ => [3, 5] };
        var stringMaps = kind switch { 17 => new[] { 7, 10 }, 16 => [3], _ => [4] };
        var gens = new List<(int, Gen<Case>)>
        {
            (4, from f in Gen.Elements(stringFields) from s in Utf8Value select Field(f, s)),
            (3, from f in Gen.Elements(varintFields) from v in ProtocolGen.Longs select new Case([.. Tag(f, 0), .. Varint((ulong)v)], false)),
            (4, from f in Gen.Elements(stringMaps) from e in Entry(Utf8Value, junk) select Wrap(f, e)),
        };
        if (junk)
        {
            gens.Add((1, from f in Gen.Choose(19, 40) from w in WireValue select new Case([.. Tag(f, w.Type), .. w.Bytes], false)));
            gens.Add((1, from f in Gen.Elements(stringFields.Concat(varintFields).ToArray()) from w in WireValue select new Case([.. Tag(f, w.Type), .. w.Bytes], false)));
            gens.Add((1, Gen.Elements(new Case([0x12, 0x05, 0x61], false), new Case([0x08], false), new Case([0x00], false))));
        }

        if (kind == 17)
        {
            var doubleValues = junk ? Gen.Choose(0, 1).SelectMany(c => c == 0 ? Fixed64 : WireValue) : Fixed64;
            gens.Add((3, from e in Entry(doubleValues, junk) select Wrap(8, e)));
            gens.Add((2, from f in Gen.Elements(9, 12) from e in Entry(VarintValue, junk) select Wrap(f, e)));
        }

        return Gen.Frequency(gens.ToArray());
    }

    private static readonly Gen<(byte[] Bytes, bool Invalid)> Utf8Value =
        Gen.Frequency((12, ValidUtf8.Select(b => (b, false))), (1, InvalidUtf8.Select(b => (b, true))));

    private static readonly Gen<(int Type, byte[] Bytes)> WireValue = Gen.OneOf(
        ProtocolGen.Longs.Select(v => (0, Varint((ulong)v))),
        ProtocolGen.Longs.Select(v => (1, BitConverter.GetBytes(v))),
        ValidUtf8.Select(b => (2, (byte[])[.. Varint((ulong)b.Length), .. b])),
        Gen.Choose(0, 1000).Select(v => (5, BitConverter.GetBytes(v))));

    private static readonly Gen<(int Type, byte[] Bytes)> Fixed64 = ProtocolGen.Doubles.Select(d => (1, BitConverter.GetBytes(d)));

    private static readonly Gen<(int Type, byte[] Bytes)> VarintValue = ProtocolGen.Longs.Select(v => (0, Varint((ulong)v)));

    // A map entry: key = 1 (string), value = 2; parts may be missing, reversed, repeated or joined by unknown fields.
    private static Gen<Case> Entry(Gen<(byte[] Bytes, bool Invalid)> values, bool junk) =>
        from key in Utf8Value
        from key2 in Utf8Value
        from value in values
        from shape in Gen.Choose(0, junk ? 7 : 6)
        select EntryOf(shape, key, key2, (2, [.. Varint((ulong)value.Bytes.Length), .. value.Bytes]), value.Invalid);

    private static Gen<Case> Entry(Gen<(int Type, byte[] Bytes)> values, bool junk) =>
        from key in Utf8Value
        from key2 in Utf8Value
        from value in values
        from shape in Gen.Choose(0, junk ? 7 : 6)
        select EntryOf(shape, key, key2, value, false);

    private static Case EntryOf(int shape, (byte[] Bytes, bool Invalid) key, (byte[] Bytes, bool Invalid) key2, (int Type, byte[] Bytes) value, bool valueInvalid)
    {
        var k = Field(1, key).Bytes;
        var k2 = Field(1, key2).Bytes;
        byte[] v = [.. Tag(2, value.Type), .. value.Bytes];
        byte[] bytes = shape switch
        {
            0 => [.. k, .. v],
            1 => [.. v, .. k],
            2 => k,
            3 => v,
            4 => [],
            5 => [.. k, .. k2, .. v],
            6 => [.. k, .. v, .. v],
            _ => [.. k, 0x28, 0x01, .. v], // an unknown field 5 inside the entry
        };
        var invalid = (shape is 0 or 1 or 2 or 5 or 6 or 7 && key.Invalid) || (shape == 5 && key2.Invalid) || (shape != 2 && shape != 4 && valueInvalid);
        return new Case(bytes, invalid);
    }

    private static Case Field(int field, (byte[] Bytes, bool Invalid) text) =>
        new([.. Tag(field, 2), .. Varint((ulong)text.Bytes.Length), .. text.Bytes], text.Invalid);

    private static Case Wrap(int field, Case entry) =>
        new([.. Tag(field, 2), .. Varint((ulong)entry.Bytes.Length), .. entry.Bytes], entry.HasInvalidUtf8);

    private static byte[] Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private static byte[] Varint(ulong value)
    {
        var buffer = new byte[VarintFrame.MaxPrefixLength];
        return buffer[..VarintFrame.WriteVarint(buffer, value)];
    }
}
