using System.Buffers;
using System.IO.Pipelines;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf.Collections;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Codec;

/// <summary>
/// The encoder reads a private field of Google.Protobuf's MapField (issue 15, item 5). With the Google.Protobuf we
/// ship, that must work; with one where it does not, every data frame must still come out right, through
/// Google.Protobuf's own serializer.
/// </summary>
public class MapFieldAccessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void IsAvailable_TheShippedGoogleProtobuf_FastPathIsActive()
    {
        MapFieldAccess.IsAvailable.Should().BeTrue(
            "the encoder reads MapField's private field 'list' (Codec/MapFieldAccess.cs). If this fails after a " +
            "Google.Protobuf update, that field was renamed, retyped or changed meaning: every data frame now goes " +
            "through Google.Protobuf's slower serializer. Update the accessor, or narrow the version range in " +
            "Directory.Packages.props");
    }

    [Fact]
    public void Probe_FieldMissing_ReturnsFalse()
    {
        // What UnsafeAccessor throws when the field is gone or has another type.
        MapFieldAccess.Probe<double>(1, 2, _ => throw new MissingFieldException("MapField", "list")).Should().BeFalse();
    }

    [Fact]
    public void Probe_FieldNullOrInAnotherOrder_ReturnsFalse()
    {
        MapFieldAccess.Probe<long>(1, 2, _ => null).Should().BeFalse();
        MapFieldAccess.Probe<long>(1, 2, map => new LinkedList<KeyValuePair<string, long>>(map.OrderBy(e => e.Key))).Should().BeFalse();
        MapFieldAccess.Probe<long>(1, 2, map => new LinkedList<KeyValuePair<string, long>>(map.Take(1))).Should().BeFalse();
    }

    [Fact]
    public void Probe_AListInInsertionOrder_ReturnsTrue()
    {
        // The counterpart of the two tests above: the probe accepts what the field is meant to hold.
        MapFieldAccess.Probe("x", "y", map => new LinkedList<KeyValuePair<string, string>>(map)).Should().BeTrue();
    }

    [Fact]
    public void ProbeIndex_FieldMissing_ReturnsFalse()
    {
        MapFieldAccess.ProbeIndex<double>(1, 2, _ => throw new MissingFieldException("MapField", "map")).Should().BeFalse();
    }

    [Fact]
    public void ProbeIndex_NullOrNodesOfAnotherList_ReturnsFalse()
    {
        MapFieldAccess.ProbeIndex<long>(1, 2, _ => null).Should().BeFalse();
        // The right keys and values, but nodes that are not the map's own list (a copy): the pool would corrupt it.
        MapFieldAccess.ProbeIndex<long>(1, 2, map => map.ToDictionary(e => e.Key, e => new LinkedListNode<KeyValuePair<string, long>>(e))).Should().BeFalse();
    }

    [Fact]
    public void ProbeIndex_TheMapsOwnIndex_ReturnsTrue()
    {
        MapFieldAccess.ProbeIndex("x", "y", static m => MapFieldAccess<string, string>.Index(m)).Should().BeTrue();
    }

    [Fact]
    public void TryWrite_FallbackSelected_DeclinesEveryMessageAndWritesNothing()
    {
        var encoder = new DataFrameEncoder(readsMaps: false);
        var output = new ArrayBufferWriter<byte>();

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), Prop.ForAll(ProtocolGen.Points.ToArbitrary(), ProtocolGen.Begins.ToArbitrary(), ProtocolGen.Ends.ToArbitrary(),
            (point, begin, end) =>
                encoder.TryWritePoint(output, point) == -1 && encoder.TryWriteBegin(output, begin) == -1 && encoder.TryWriteEnd(output, end) == -1
                && output.WrittenCount == 0));
    }

    [Fact]
    public void ResponseWriter_FallbackEncoder_WritesTheSameBytesAsTheFastPath()
    {
        var outputs =
            from points in Gen.ListOf(ProtocolGen.Points, 10)
            from begin in ProtocolGen.Begins
            from batch in Gen.ListOf(ProtocolGen.Points, 5)
            from end in ProtocolGen.Ends
            select (Points: points.ToList(), Begin: begin, Batch: batch.ToList(), End: end);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(outputs.ToArbitrary(), o => Task.Run(async () =>
        {
            var fast = await WriteAsync(new DataFrameEncoder(readsMaps: true), o.Points, o.Begin, o.Batch, o.End).WaitAsync(Timeout);
            var fallback = await WriteAsync(new DataFrameEncoder(readsMaps: false), o.Points, o.Begin, o.Batch, o.End).WaitAsync(Timeout);
            return fast.Length > 0 && fast.AsSpan().SequenceEqual(fallback);
        })));
    }

    private static async Task<byte[]> WriteAsync(DataFrameEncoder encoder, IEnumerable<Point> points, BeginBatch begin, IReadOnlyList<Point> batch, EndBatch end)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var writer = new ResponseWriter(pipe.Writer, new UdfAgentOptions(), new InputActivity(), AgentSweeper.For(TimeProvider.System), _ => { }, encoder);
        await writer.OpenDataGateAsync();
        foreach (var point in points)
        {
            await writer.WritePointAsync(point, default);
        }

        await writer.WriteBatchAsync(begin, batch, end, default);
        await writer.CompleteAsync("done");
        using var bytes = new MemoryStream();
        await pipe.Reader.AsStream().CopyToAsync(bytes);
        return bytes.ToArray();
    }
}
