using System.Buffers;
using System.Text;
using Google.Protobuf;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Authoring;

public class SnapshotCodecTests
{
    [Fact]
    public void Encode_NullOrEmptyCollection_IsZeroBytesSoKapacitorStoresNothing()
    {
        new SnapshotCodec<State>(1, TestJson.Default).Encode(null).IsEmpty.Should().BeTrue();
        new SnapshotCodec<Dictionary<string, double>>(1, TestJson.Default).Encode([]).IsEmpty.Should().BeTrue();
        new SnapshotCodec<List<int>>(1, TestJson.Default).Encode([]).IsEmpty.Should().BeTrue();
        new SnapshotCodec<State>(1, TestJson.Default) { IsEmpty = s => s.Count == 0 }.Encode(new State()).IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void Encode_State_IsTheEnvelopeThenCamelCaseJson()
    {
        var bytes = new SnapshotCodec<State>(7, TestJson.Default).Encode(new State { Count = 3, Values = [1.5] }).ToByteArray();

        bytes[..9].Should().Equal(
            0xC4, (byte)'U', (byte)'D', (byte)'F', // magic
            1,                                      // envelope layout
            7, 0, 0, 0);                            // format version, int32 little-endian
        Encoding.UTF8.GetString(bytes[9..]).Should().Be("""{"count":3,"values":[1.5]}""");
    }

    [Fact]
    public void EncodeDecode_NaNAndInfinities_RoundTrip()
    {
        var codec = new SnapshotCodec<State>(1, TestJson.Default);

        var state = codec.Decode(codec.Encode(new State { Values = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0] })).State!;

        state.Values.Should().HaveCount(4);
        double.IsNaN(state.Values[0]).Should().BeTrue();
        state.Values[1].Should().Be(double.PositiveInfinity);
        state.Values[2].Should().Be(double.NegativeInfinity);
        double.IsNegative(state.Values[3]).Should().BeTrue();
    }

    [Fact]
    public void Decode_Empty_IsEmpty() =>
        new SnapshotCodec<State>(1, TestJson.Default).Decode(ByteString.Empty).Outcome.Should().Be(SnapshotDecodeOutcome.Empty);

    [Fact]
    public void Decode_SameVersion_Restores()
    {
        var codec = new SnapshotCodec<State>(2, TestJson.Default);

        var result = codec.Decode(codec.Encode(new State { Count = 5 }));

        result.Should().BeEquivalentTo(new { Outcome = SnapshotDecodeOutcome.Restored, FromVersion = 2, Problem = (string?)null });
        result.State!.Count.Should().Be(5);
    }

    [Fact]
    public void Decode_OtherVersionWithoutMigration_IsDiscardedWithTheReason()
    {
        var older = new SnapshotCodec<State>(1, TestJson.Default).Encode(new State { Count = 1 });

        var result = new SnapshotCodec<State>(2, TestJson.Default).Decode(older);

        result.Outcome.Should().Be(SnapshotDecodeOutcome.Discarded);
        result.FromVersion.Should().Be(1);
        result.State.Should().BeNull();
        result.Problem.Should().Be("the snapshot has format version 1 and this UDF reads version 2, with no migration");
    }

    [Fact]
    public void Decode_OtherVersionUnderPolicyFail_IsRefused()
    {
        var older = new SnapshotCodec<State>(1, TestJson.Default).Encode(new State { Count = 1 });

        new SnapshotCodec<State>(2, TestJson.Default) { Policy = UnreadableSnapshotPolicy.Fail }.Decode(older).Outcome.Should().Be(SnapshotDecodeOutcome.Refused);
    }

    [Fact]
    public void Decode_OlderVersionWithMigration_GetsTheOldPayload()
    {
        var older = new SnapshotCodec<OldState>(1, TestJson.Default).Encode(new OldState { Total = 42 });
        int? seenVersion = -1;
        var codec = new SnapshotCodec<State>(2, TestJson.Default)
        {
            Migrate = (version, payload) =>
            {
                seenVersion = version;
                var old = System.Text.Json.JsonSerializer.Deserialize(payload, TestJson.Default.OldState)!;
                return new State { Count = old.Total };
            },
        };

        var result = codec.Decode(older);

        seenVersion.Should().Be(1);
        result.Outcome.Should().Be(SnapshotDecodeOutcome.Migrated);
        result.State!.Count.Should().Be(42);
    }

    [Fact]
    public void Decode_UnversionedBytes_GoToTheMigrationWhole()
    {
        byte[]? seen = null;
        var codec = new SnapshotCodec<State>(1, TestJson.Default)
        {
            Migrate = (version, payload) =>
            {
                seen = payload.ToArray();
                return version is null ? new State { Count = payload.Length } : null;
            },
        };

        var result = codec.Decode("""{"legacy":true}"""u8);

        result.Outcome.Should().Be(SnapshotDecodeOutcome.Migrated);
        result.FromVersion.Should().BeNull();
        seen.Should().Equal("""{"legacy":true}"""u8.ToArray());
    }

    [Fact]
    public void Decode_MigrationDeclinesOrThrows_FallsBackToThePolicy()
    {
        var older = new SnapshotCodec<State>(1, TestJson.Default).Encode(new State());
        var declining = new SnapshotCodec<State>(2, TestJson.Default) { Migrate = (_, _) => null };
        var throwing = new SnapshotCodec<State>(2, TestJson.Default) { Migrate = (_, _) => throw new FormatException("bad") };

        declining.Decode(older).Problem.Should().Be("the snapshot has format version 1 and this UDF reads version 2, and the migration declined it");
        throwing.Decode(older).Problem.Should().Be("the snapshot has format version 1 and this UDF reads version 2, and the migration failed: FormatException: bad");
        throwing.Decode(older).Outcome.Should().Be(SnapshotDecodeOutcome.Discarded);
    }

    [Fact]
    public void Decode_CurrentVersionWithGarbagePayload_IsDiscarded()
    {
        var codec = new SnapshotCodec<State>(1, TestJson.Default);
        var garbage = codec.Encode(new State()).ToByteArray()[..9].Concat("{not json"u8.ToArray()).ToArray();
        var nullPayload = codec.Encode(new State()).ToByteArray()[..9].Concat("null"u8.ToArray()).ToArray();

        codec.Decode(garbage).Problem.Should().StartWith("the snapshot's version 1 payload does not deserialize: JsonException: ");
        codec.Decode(nullPayload).Problem.Should().Be("the snapshot's version 1 payload holds no state");
    }

    [Fact]
    public void Decode_RandomBytes_NeverThrows()
    {
        var random = new Random(679);
        var codec = new SnapshotCodec<State>(1, TestJson.Default);
        var valid = codec.Encode(new State { Count = 1, Values = [1, 2] }).ToByteArray();
        for (var i = 0; i < 2000; i++)
        {
            // Half random bytes, half a valid snapshot with random damage (so the envelope often parses).
            var bytes = i % 2 == 0 ? new byte[random.Next(0, 64)] : (byte[])valid.Clone();
            if (i % 2 == 0)
            {
                random.NextBytes(bytes);
            }
            else
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var decode = () => codec.Decode(bytes);

            decode.Should().NotThrow();
        }
    }

    [Fact]
    public void Encode_LargerThanARestoreFrameCanHold_ThrowsANamedError()
    {
        var codec = new SnapshotCodec<string>(1, new RawSerializer());
        const long max = 1000;
        var fitting = FittingLength(max);

        codec.Encode(new string('x', fitting), max).Length.Should().Be(9 + fitting);
        var tooLarge = () => codec.Encode(new string('x', fitting + 1), max);

        var error = tooLarge.Should().Throw<SnapshotTooLargeException>().Which;
        error.Size.Should().Be(max + 1);
        error.MaxFrameSize.Should().Be(max);
        error.Message.Should().Contain("maximum frame size of 1000 bytes");
    }

    [Fact]
    public void Serializer_Pluggable_IsUsedBothWays()
    {
        var codec = new SnapshotCodec<string>(3, new RawSerializer());

        var bytes = codec.Encode("plain");

        bytes.ToByteArray()[9..].Should().Equal("plain"u8.ToArray());
        codec.Decode(bytes).State.Should().Be("plain");
    }

    // The snapshot length whose RestoreRequest frame is exactly max: the agent's own check.
    private static int FittingLength(long max)
    {
        var length = (int)max;
        while (new Request { Restore = new RestoreRequest { Snapshot = ByteString.CopyFrom(new byte[9 + length]) } }.CalculateSize() > max)
        {
            length--;
        }

        return length;
    }

    public sealed class State
    {
        public int Count { get; set; }

        public List<double> Values { get; set; } = [];
    }

    public sealed class OldState
    {
        public int Total { get; set; }
    }

    private sealed class RawSerializer : ISnapshotSerializer<string>
    {
        public void Serialize(IBufferWriter<byte> output, string state) => output.Write(Encoding.UTF8.GetBytes(state));

        public string? Deserialize(ReadOnlySpan<byte> payload) => Encoding.UTF8.GetString(payload);
    }
}
