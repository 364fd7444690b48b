using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Codec;

/// <summary>
/// The fast codec must be indistinguishable from Google.Protobuf (issue 7): the same bytes out, the same objects in,
/// for canonical and non-canonical encodings alike. FsCheck prints the replay seed of any failure.
/// </summary>
public class DataFrameCodecTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(1000);

    [Fact]
    public void TryWritePoint_RandomPoints_ExactlyGoogleProtobufsFrame()
    {
        Check.One(Runs, Prop.ForAll(ProtocolGen.Points.ToArbitrary(), point =>
            Encode(e => e.TryWritePoint, point).SequenceEqual(GoogleFrame(new Response { Point = point }))));
    }

    [Fact]
    public void TryWriteBeginAndEnd_RandomBatches_ExactlyGoogleProtobufsFrames()
    {
        Check.One(Runs, Prop.ForAll(ProtocolGen.Begins.ToArbitrary(), begin =>
            Encode(e => e.TryWriteBegin, begin).SequenceEqual(GoogleFrame(new Response { Begin = begin }))));
        Check.One(Runs, Prop.ForAll(ProtocolGen.Ends.ToArbitrary(), end =>
            Encode(e => e.TryWriteEnd, end).SequenceEqual(GoogleFrame(new Response { End = end }))));
    }

    [Fact]
    public void TryWritePoint_PointWithUnknownFields_DeclinesSoGoogleProtobufWritesThem()
    {
        // Field 40 is not in udf.proto: Google.Protobuf keeps it and writes it back out.
        var point = Point.Parser.ParseFrom([0x08, 0x01, 0xc0, 0x02, 0x07]);

        new DataFrameEncoder().TryWritePoint(new ArrayBufferWriter<byte>(), point).Should().Be(-1);
    }

    [Fact]
    public void TryWriteBeginAndEnd_WithUnknownFields_DeclineSoGoogleProtobufWritesThem()
    {
        // Field 40 (varint 7) after name = "b": kept by Google.Protobuf as an unknown field.
        var begin = BeginBatch.Parser.ParseFrom([0x0a, 0x01, 0x62, 0xc0, 0x02, 0x07]);
        var end = EndBatch.Parser.ParseFrom([0x0a, 0x01, 0x62, 0xc0, 0x02, 0x07]);

        new DataFrameEncoder().TryWriteBegin(new ArrayBufferWriter<byte>(), begin).Should().Be(-1);
        new DataFrameEncoder().TryWriteEnd(new ArrayBufferWriter<byte>(), end).Should().Be(-1);
    }

    [Theory]
    [InlineData(new byte[] { 0x8a, 0x01, 0x05, 0x08, 0x01, 0xc0, 0x02, 0x07 }, true)] // point: time = 1, field 40
    [InlineData(new byte[] { 0x8a, 0x01, 0x02, 0x08, 0x01 }, false)] // point: time = 1
    [InlineData(new byte[] { 0x82, 0x01, 0x03, 0xc0, 0x02, 0x07 }, true)] // begin: field 40
    [InlineData(new byte[] { 0x82, 0x01, 0x00 }, false)] // begin
    [InlineData(new byte[] { 0x92, 0x01, 0x03, 0xc0, 0x02, 0x07 }, true)] // end: field 40
    [InlineData(new byte[] { 0x92, 0x01, 0x00 }, false)] // end
    [InlineData(new byte[] { 0x12, 0x03, 0xc0, 0x02, 0x07 }, true)] // init: field 40
    [InlineData(new byte[] { 0x12, 0x00 }, false)] // init
    [InlineData(new byte[] { 0x0a, 0x00, 0xc0, 0x02, 0x07 }, true)] // info, then field 40 on the request itself
    [InlineData(new byte[] { 0x22, 0x00 }, false)] // snapshot
    public void UnknownFieldsAny_EachMessage_SeesWhatGoogleProtobufKept(byte[] request, bool expected)
    {
        UnknownFields.Any(Request.Parser.ParseFrom(request)).Should().Be(expected);
    }

    [Fact]
    public void TryDecode_CanonicalEncodings_DecodedEqualToGoogleProtobuf()
    {
        var requests = Gen.OneOf(
            ProtocolGen.Points.Select(p => new Request { Point = p }),
            ProtocolGen.Begins.Select(b => new Request { Begin = b }),
            ProtocolGen.Ends.Select(e => new Request { End = e }));
        var decoder = new DataFrameDecoder();

        Check.One(Runs, Prop.ForAll(requests.ToArbitrary(), request =>
        {
            var bytes = request.ToByteArray();
            var decoded = new Request();
            var status = decoder.TryDecode(bytes, decoded);
            return status == DecodeStatus.Decoded && SameAsGoogle(decoded, Request.Parser.ParseFrom(bytes));
        }));
    }

    [Fact]
    public void TryDecode_NonCanonicalEncodings_DecodedAsGoogleProtobufDoesOrDeclined()
    {
        var decoder = new DataFrameDecoder();
        var decodedCount = 0;

        Check.One(Runs, Prop.ForAll(WireGen.Requests.ToArbitrary(), generated =>
        {
            var target = new Request();
            var status = decoder.TryDecode(generated.Bytes, target);
            var google = TryGoogle(generated.Bytes);
            switch (status)
            {
                case DecodeStatus.Decoded:
                    decodedCount++;
                    return !generated.HasInvalidUtf8 && google is not null && SameAsGoogle(target, google);
                case DecodeStatus.InvalidUtf8:
                    // The schema walker, an independent reading of the same bytes, must blame the same field.
                    return Utf8Validator.FindInvalidString(new ReadOnlySequence<byte>(generated.Bytes)) == decoder.InvalidField;
                default:
                    return true;
            }
        }));

        decodedCount.Should().BeGreaterThan(100, "the generator must exercise the fast path, not only the fallback");
    }

    [Fact]
    public void TryDecode_RandomMutationsOfValidFrames_NeverThrowAndNeverDisagree()
    {
        var mutated =
            from point in ProtocolGen.Points
            from flips in Gen.ListOf(Gen.Zip(Gen.Choose(0, 1000), Gen.Choose(0, 255)), 4)
            from cut in Gen.Choose(0, 20)
            select Mutate(new Request { Point = point }.ToByteArray(), flips, cut);
        var decoder = new DataFrameDecoder();

        Check.One(Runs, Prop.ForAll(mutated.ToArbitrary(), bytes =>
        {
            var target = new Request();
            var status = decoder.TryDecode(bytes, target);
            return status != DecodeStatus.Decoded || (TryGoogle(bytes) is { } google && SameAsGoogle(target, google));
        }));
    }

    [Fact]
    public void TryDecode_ReusedRequest_SameResultAsAFreshOne()
    {
        // The borrowed-point path decodes into the previous point: nothing of it may survive.
        var pairs = Gen.Zip(ProtocolGen.Points, ProtocolGen.Points);
        var decoder = new DataFrameDecoder();

        Check.One(Runs, Prop.ForAll(pairs.ToArbitrary(), pair =>
        {
            var reused = new Request();
            decoder.TryDecode(new Request { Point = pair.Item1 }.ToByteArray(), reused);
            var first = reused.Point;
            var bytes = new Request { Point = pair.Item2 }.ToByteArray();
            decoder.TryDecode(bytes, reused);
            return ReferenceEquals(first, reused.Point) && SameAsGoogle(reused, Request.Parser.ParseFrom(bytes));
        }));
    }

    [Fact]
    public void TryDecode_ReusedPointOfTheSameShape_AllocatesNothing()
    {
        // The borrowed-point path: map entries, strings and lists of the previous point are reused, so a stream of
        // like points decodes without garbage (MapField alone would allocate a node per entry).
        var point = new Point { Time = 1, Name = "cpu", Database = "telegraf", RetentionPolicy = "autogen", Group = "host=a", Dimensions = { "host" } };
        point.Tags.Add("host", "a");
        point.Tags.Add("dc", "eu");
        point.FieldsDouble.Add("value", 1.5);
        point.FieldsInt.Add("count", 3);
        point.FieldsString.Add("state", "ok");
        point.FieldsBool.Add("up", true);
        var bytes = new Request { Point = point }.ToByteArray();
        var decoder = new DataFrameDecoder();
        var request = new Request();
        decoder.TryDecode(bytes, request);
        decoder.TryDecode(bytes, request);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            decoder.TryDecode(bytes, request);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(SameAsGoogle(request, Request.Parser.ParseFrom(bytes)));
    }

    [Theory]
    [InlineData(new byte[] { 0x8a, 0x01, 0x05, 0x12, 0x03, 0x61, 0xff, 0x62 }, "point.name")]
    [InlineData(new byte[] { 0x8a, 0x01, 0x07, 0x3a, 0x05, 0x0a, 0x01, 0xc3, 0x12, 0x00 }, "point.tags (key)")]
    [InlineData(new byte[] { 0x8a, 0x01, 0x07, 0x52, 0x05, 0x0a, 0x00, 0x12, 0x01, 0x80 }, "point.fieldsString (value)")]
    [InlineData(new byte[] { 0x82, 0x01, 0x03, 0x0a, 0x01, 0xfe }, "begin.name")]
    [InlineData(new byte[] { 0x92, 0x01, 0x07, 0x22, 0x05, 0x0a, 0x01, 0x61, 0x12, 0x00, }, null)]
    public void TryDecode_InvalidUtf8_NamesTheField(byte[] bytes, string? field)
    {
        var decoder = new DataFrameDecoder();

        var status = decoder.TryDecode(bytes, new Request());

        status.Should().Be(field is null ? DecodeStatus.Decoded : DecodeStatus.InvalidUtf8);
        decoder.InvalidField.Should().Be(field);
    }

    [Theory]
    [InlineData(new byte[] { 0x12, 0x07, 0x0a, 0x05, 0x0a, 0x03, 0x61, 0xff, 0x62 }, "init.options.name")]
    [InlineData(new byte[] { 0x12, 0x03, 0x1a, 0x01, 0xc0 }, "init.nodeID")]
    [InlineData(new byte[] { 0x12, 0x09, 0x0a, 0x07, 0x12, 0x05, 0x08, 0x03, 0x2a, 0x01, 0xff }, "init.options.values.stringValue")]
    [InlineData(new byte[] { 0x8a, 0x01, 0x07, 0x3a, 0x05, 0x0a, 0x01, 0xc3, 0x12, 0x00 }, "point.tags (key)")]
    [InlineData(new byte[] { 0x2a, 0x02, 0x0a, 0xff }, null)] // restore bytes are not a string
    [InlineData(new byte[] { 0x12, 0x02, 0x0a, 0x05 }, null)] // malformed: left to Google.Protobuf
    public void FindInvalidString_ManagementRequests_NamesTheFieldPath(byte[] bytes, string? path)
    {
        Utf8Validator.FindInvalidString(new ReadOnlySequence<byte>(bytes)).Should().Be(path);
    }

    private static byte[] Encode<T>(Func<DataFrameEncoder, Func<IBufferWriter<byte>, T, int>> write, T message)
    {
        var output = new ArrayBufferWriter<byte>();
        var written = write(new DataFrameEncoder())(output, message);
        written.Should().Be(output.WrittenCount);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] GoogleFrame(Response response)
    {
        var output = new ArrayBufferWriter<byte>();
        VarintFrame.WriteFrame(output, response);
        return output.WrittenSpan.ToArray();
    }

    private static Request? TryGoogle(byte[] bytes)
    {
        try
        {
            return Request.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    // Equal as messages, and serialized identically (map insertion order included).
    private static bool SameAsGoogle(Request ours, Request google) =>
        ours.Equals(google) && ours.ToByteArray().AsSpan().SequenceEqual(google.ToByteArray());

    private static byte[] Mutate(byte[] bytes, IEnumerable<(int Index, int Value)> flips, int cut)
    {
        var copy = bytes.ToArray();
        foreach (var (index, value) in flips)
        {
            copy[index % copy.Length] = (byte)value;
        }

        return copy[..Math.Max(0, copy.Length - (cut > 15 ? cut - 15 : 0))];
    }
}
