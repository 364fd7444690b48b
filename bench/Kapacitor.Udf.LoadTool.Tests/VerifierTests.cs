using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.LoadTool.Verification;
using Kapacitor.Udf.LoadTool.Workloads;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Tests;

/// <summary>The verifier accepts the right bytes and rejects anything else: a run it passes really was correct.</summary>
public class VerifierTests
{
    // The expected output payloads encoded independently of the tool's frame template: a full Google.Protobuf
    // encoding per point.
    private static List<byte[]> EncodedByProtobuf(double[] values, int size)
    {
        var average = new ReferenceMovingAverage(size);
        return [.. values.Select((v, i) => new Response
        {
            Point = MovingAverageWorkload.SamplePoint(SeriesData.TimeOf(i), MovingAverageWorkload.As, average.Update(v)),
        }.ToByteArray())];
    }

    private static MovingAverageVerifier Verifier(double[] values, int size) =>
        new(PointFrameTemplate.Create((t, v) => new Response { Point = MovingAverageWorkload.SamplePoint(t, MovingAverageWorkload.As, v) }), values, size);

    [Fact]
    public void Accepts_the_frames_google_protobuf_encodes_for_the_right_averages()
    {
        var values = SeriesData.Usage(500, seed: 3);
        var verifier = Verifier(values, 10);

        foreach (var frame in EncodedByProtobuf(values, 10))
        {
            verifier.Check(frame).Should().BeTrue(verifier.Failure);
        }

        verifier.IsComplete.Should().BeTrue();
    }

    [Theory]
    [InlineData(0)] // the Response's field tag
    [InlineData(20)] // the time
    [InlineData(60)] // a tag
    [InlineData(-1)] // the last bit of the average
    public void Rejects_a_payload_with_one_byte_changed(int position)
    {
        var values = SeriesData.Usage(300, seed: 4);
        var frames = EncodedByProtobuf(values, 10);
        var bad = frames[123];
        bad[position < 0 ? bad.Length + position : position] ^= 0x01;
        var verifier = Verifier(values, 10);

        var accepted = frames.TakeWhile(f => verifier.Check(f)).Count();

        accepted.Should().Be(123);
        verifier.Failure.Should().Contain("output point #123 differs").And.Contain("expected:").And.Contain("received:");
        verifier.IsComplete.Should().BeFalse();
    }

    [Fact]
    public void Rejects_a_missing_point_and_an_extra_one()
    {
        var values = SeriesData.Usage(50, seed: 5);
        var frames = EncodedByProtobuf(values, 10);

        var missing = Verifier(values, 10);
        frames.Where((_, i) => i != 7).TakeWhile(f => missing.Check(f)).Count().Should().Be(7);

        var extra = Verifier(values, 10);
        frames.All(f => extra.Check(f)).Should().BeTrue();
        extra.Check(frames[0]).Should().BeFalse();
        extra.Failure.Should().Contain("extra data frame");
    }

    [Fact]
    public void Sequence_verifier_rejects_a_corrupted_expected_frame()
    {
        var workload = new OutliersWorkload(batches: 3, batchSize: 20);
        var good = workload.CreateVerifier();
        var frames = ExpectedFrames(workload);
        frames.All(f => good.Check(f)).Should().BeTrue(good.Failure);
        good.IsComplete.Should().BeTrue();

        frames[1][^2] ^= 0x80;
        var bad = workload.CreateVerifier();
        frames.TakeWhile(f => bad.Check(f)).Count().Should().Be(1);
        bad.Failure.Should().Contain("output frame #1 (batch 0) differs");
    }

    [Fact]
    public async Task Template_input_frames_are_what_google_protobuf_encodes()
    {
        var workload = new MovingAverageWorkload(points: 1000, writeSize: 4096);
        var bytes = workload.DataChunks.SelectMany(c => c.ToArray()).ToArray();
        bytes.Length.Should().Be(1000 * workload.FrameLength);
        var frames = new FrameReader(PipeReader.Create(new ReadOnlySequence<byte>(bytes)));

        var requests = await frames.ReadMessagesAsync(Request.Parser).ToListAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        requests.Select(r => r.Point.Time).Should().Equal(Enumerable.Range(0, 1000).Select(i => SeriesData.TimeOf(i)));
        for (var i = 0; i < 1000; i += 97)
        {
            bytes.AsSpan(i * workload.FrameLength, workload.FrameLength).ToArray().Should().Equal(Frames.Encode(requests[i]));
        }
    }

    // Rebuilds the outliers workload's expected frames from its own verifier's view: every frame it accepts in order.
    private static List<byte[]> ExpectedFrames(OutliersWorkload workload)
    {
        var (expected, offsets) = workload.ExpectedOutput;
        return [.. Enumerable.Range(0, offsets.Length - 1).Select(i => expected[offsets[i]..offsets[i + 1]])];
    }
}
