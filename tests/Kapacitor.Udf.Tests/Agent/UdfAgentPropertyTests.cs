using System.Buffers;
using System.IO.Pipelines;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Codec;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Agent;

/// <summary>
/// Issue 6, item 5: properties of the whole agent (reader, queue, worker, writer) over real pipes, not of one piece of
/// it. FsCheck prints the replay seed of any failure. Each run starts a real agent, so the run counts stay modest.
/// </summary>
public class UdfAgentPropertyTests
{
    // A property must fail, never hang: each agent run is bounded, far above what a healthy one takes under load.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private static readonly Gen<Request> StreamItem = Gen.Frequency(
        (6, ProtocolGen.Points.Select(p => new Request { Point = p })),
        (1, ProtocolGen.Longs.Select(Requests.Keepalive)),
        (1, Gen.Constant(Requests.Snapshot())),
        (1, Gen.Constant(Requests.Info())));

    // What Kapacitor may send on a task connection: Init, then data and management requests in any order.
    private static readonly Gen<byte[]> ValidStreams =
        Gen.ListOf(StreamItem, 25).Select(items => Frames([Requests.Init(), .. items]));

    [Fact]
    public void RunAsync_ValidStreamSplitIntoArbitraryReadChunks_SameOutputsAsUnsplit()
    {
        // Requirement 3: Kapacitor writes the prefix and the payload separately, and a pipe may cut anywhere.
        var cases = Gen.Zip(ValidStreams, Gen.NonEmptyListOf(Gen.Choose(1, 40)));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(cases.ToArbitrary(), c => Task.Run(async () =>
        {
            var (stream, sizes) = c;
            var whole = await RunAgentAsync([stream]);
            var split = await RunAgentAsync(Split(stream, sizes));

            // Keepalives are answered by the reader thread, so where they land among the worker's answers depends on
            // timing; each must be answered, and everything else must come out identically, in order.
            var keepalives = Parse(stream).Where(r => r.Keepalive is not null).Select(r => r.Keepalive.Time).ToList();
            return whole.Result.Succeeded && split.Result.Succeeded
                && WithoutKeepalives(split.Responses).SequenceEqual(WithoutKeepalives(whole.Responses))
                && keepalives.All(t => whole.Responses.Any(r => r.Keepalive?.Time == t) && split.Responses.Any(r => r.Keepalive?.Time == t));
        })));
    }

    [Fact]
    public void RunAsync_RandomMutationsAndTruncationsOfAValidStream_NormalOutputOrOneFinalErrorResponse()
    {
        // Requirements 5, 7, 26: whatever the bytes, the agent ends by itself without throwing; every frame it writes
        // is a Response with its oneof set; an ErrorResponse, if any, is the only one and the last frame.
        var mutated =
            from stream in ValidStreams
            from count in Gen.Choose(0, 4)
            from flips in Gen.ListOf(Gen.Zip(Gen.Choose(0, 10_000), Gen.Choose(0, 255)), count)
            from cut in Gen.Choose(0, 10_000)
            from truncate in Gen.Elements(true, false)
            select Mutate(stream, flips, truncate ? cut : -1);
        int failed = 0, clean = 0;

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), Prop.ForAll(mutated.ToArbitrary(), bytes => Task.Run(async () =>
        {
            var outcome = await RunAgentAsync([bytes]);

            var errors = outcome.Responses.Count(r => r.MessageCase == Response.MessageOneofCase.Error);
            Interlocked.Increment(ref errors == 0 ? ref clean : ref failed);
            return outcome.Responses.All(r => r.MessageCase != Response.MessageOneofCase.None)
                && errors <= 1
                && (errors == 0 || outcome.Responses[^1].MessageCase == Response.MessageOneofCase.Error)
                && outcome.Result.Succeeded == (errors == 0);
        })));

        failed.Should().BeGreaterThan(0, "the mutations must reach the error paths");
        clean.Should().BeGreaterThan(0, "some mutations must leave a stream the agent still serves to its end");
    }

    [Fact]
    public void RunAsync_NonCanonicalPointEncodings_HandlerGetsWhatGoogleProtobufDecodes()
    {
        // Extends DataFrameCodecTests (the fast decoder alone) to the agent: whichever path a payload takes (fast
        // decoder, or UTF-8 check then Google.Protobuf), the handler sees exactly Request.Parser's point; a payload
        // Google.Protobuf rejects, or one with invalid UTF-8, is one ErrorResponse instead. Reordered fields, repeated
        // scalars (last wins), map entries missing key or value, duplicate keys, unknown fields, wrong wire types.
        var points = WireGen.Requests.Where(c => c.Bytes is [0x8a, 0x01, ..]);
        var delivered = 0;

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), Prop.ForAll(points.ToArbitrary(), generated => Task.Run(async () =>
        {
            var received = new List<Point>();
            var outcome = await RunAgentAsync([Frames(Requests.Init()), Frame(generated.Bytes)], received);
            var google = TryGoogle(generated.Bytes);
            var invalidUtf8 = Utf8Validator.FindInvalidString(new ReadOnlySequence<byte>(generated.Bytes)) is not null;

            if (google is null || invalidUtf8)
            {
                return received.Count == 0 && outcome.Responses[^1].MessageCase == Response.MessageOneofCase.Error;
            }

            if (google.MessageCase != Request.MessageOneofCase.Point)
            {
                // A later top-level field switched the oneof (e.g. to a keepalive): no point is due.
                return received.Count == 0 && outcome.Result.Succeeded;
            }

            Interlocked.Increment(ref delivered);
            return outcome.Result.Succeeded
                && received.Count == 1
                && received[0].Equals(google.Point)
                && received[0].ToByteArray().AsSpan().SequenceEqual(google.Point.ToByteArray());
        })));

        delivered.Should().BeGreaterThan(15, "the generator must reach the handler, not only the error paths");
    }

    private sealed record Outcome(List<Response> Responses, UdfAgentResult Result);

    // Feeds the chunks one write (and one flush) at a time, ends the input, and reads the output to its end while
    // doing so, as Kapacitor does. The handler echoes points and snapshots how many it has seen.
    private static async Task<Outcome> RunAgentAsync(IReadOnlyList<byte[]> chunks, List<Point>? received = null)
    {
        // pauseWriterThreshold 0: the writer never waits, so a frame larger than a pipe segment cannot stall the feed.
        var input = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var output = new Pipe();
        var agent = new UdfAgent(input.Reader, output.Writer, ctx =>
        {
            var points = 0;
            return new TestHandler(ctx)
            {
                OnPoint = p =>
                {
                    points++;
                    received?.Add(p);
                    return ctx.EmitPointAsync(p);
                },
                OnSnapshot = () => ValueTask.FromResult(new SnapshotResponse { Snapshot = ByteString.CopyFromUtf8($"points={points}") }),
            };
        });
        var run = agent.RunAsync();
        var read = PipeResponses.ReadAsync(output.Reader);
        foreach (var chunk in chunks)
        {
            await input.Writer.WriteAsync(chunk).AsTask().WaitAsync(HangGuard);
        }

        await input.Writer.CompleteAsync().AsTask().WaitAsync(HangGuard);
        var result = await run.WaitAsync(HangGuard);
        return new Outcome(await read.WaitAsync(HangGuard), result);
    }

    private static IEnumerable<Response> WithoutKeepalives(IEnumerable<Response> responses) =>
        responses.Where(r => r.MessageCase != Response.MessageOneofCase.Keepalive);

    private static List<byte[]> Split(byte[] stream, IReadOnlyList<int> sizes)
    {
        var chunks = new List<byte[]>();
        for (int offset = 0, i = 0; offset < stream.Length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Count], stream.Length - offset);
            chunks.Add(stream[offset..(offset + size)]);
            offset += size;
        }

        return chunks;
    }

    private static byte[] Mutate(byte[] bytes, IEnumerable<(int Index, int Value)> flips, int cut)
    {
        var copy = bytes.ToArray();
        foreach (var (index, value) in flips)
        {
            copy[index % copy.Length] = (byte)value;
        }

        return cut < 0 ? copy : copy[..(cut % (copy.Length + 1))];
    }

    private static List<Request> Parse(byte[] stream)
    {
        var requests = new List<Request>();
        var frames = new FrameReader(PipeReader.Create(new ReadOnlySequence<byte>(stream)));
        while (frames.TryRead())
        {
            while (frames.TryReadFrame(out var payload))
            {
                requests.Add(Request.Parser.ParseFrom(payload));
            }
        }

        return requests;
    }

    private static Request? TryGoogle(byte[] bytes)
    {
        try
        {
            return Request.Parser.ParseFrom(bytes);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static byte[] Frames(params Request[] requests)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var request in requests)
        {
            VarintFrame.WriteFrame(buffer, request);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Frame(byte[] payload)
    {
        var buffer = new ArrayBufferWriter<byte>();
        VarintFrame.WriteFrame(buffer, payload);
        return buffer.WrittenSpan.ToArray();
    }
}
