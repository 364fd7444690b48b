using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Framing;

public class FrameReaderTests
{
    // Every wait is bounded: a broken reader fails the test instead of hanging it.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ReadMessagesAsync_FramesArriveOneByteAtATime_YieldsEveryMessageInOrder()
    {
        // Requirement 3: Kapacitor writes the prefix and the payload separately, and a pipe may cut anywhere.
        var bytes = VarintFrameTests.Frames(Requests.Init(), Requests.Point(1), Requests.Keepalive(7), Requests.Point(2));
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var reading = ReadAllAsync(new FrameReader(pipe.Reader));

        foreach (var b in bytes)
        {
            await pipe.Writer.WriteAsync(new[] { b }).AsTask().WaitAsync(Timeout);
        }

        await pipe.Writer.CompleteAsync().AsTask().WaitAsync(Timeout);
        var requests = await reading.WaitAsync(Timeout);

        requests.Select(r => r.MessageCase).Should().Equal(
            Request.MessageOneofCase.Init, Request.MessageOneofCase.Point, Request.MessageOneofCase.Keepalive, Request.MessageOneofCase.Point);
        requests[3].Point.Time.Should().Be(2);
    }

    [Fact]
    public async Task ReadMessagesAsync_ManyFramesInOneWrite_YieldsEveryMessage()
    {
        var requests = Enumerable.Range(0, 10_000).Select(i => Requests.Point(i)).ToArray();

        var read = await ReadAllAsync(new FrameReader(Completed(VarintFrameTests.Frames(requests)))).WaitAsync(Timeout);

        read.Select(r => r.Point.Time).Should().Equal(Enumerable.Range(0, 10_000).Select(i => (long)i));
    }

    [Fact]
    public async Task ReadMessagesAsync_FrameExactlyAtTheCap_Accepted()
    {
        var request = Requests.Point(1);
        var frames = new FrameReader(Completed(VarintFrameTests.Frames(request)), maxFrameSize: request.CalculateSize());

        var read = await ReadAllAsync(frames).WaitAsync(Timeout);

        read.Should().ContainSingle().Which.Should().Be(request);
    }

    [Fact]
    public async Task ReadAsync_PrefixAboveTheCap_FailsWithFrameTooLargeBeforeThePayloadArrives()
    {
        // Only the prefix is written and the pipe stays open: the cap is checked as soon as the length is known.
        var pipe = new Pipe();
        var frames = new FrameReader(pipe.Reader, maxFrameSize: 3);
        await pipe.Writer.WriteAsync(new byte[] { 0x04 }).AsTask().WaitAsync(Timeout);

        (await frames.ReadAsync().AsTask().WaitAsync(Timeout)).Should().BeTrue();
        var take = () => frames.TryReadFrame(out _);

        take.Should().Throw<FrameException>().Which.Error.Should().Be(FrameError.FrameTooLarge);
    }

    [Fact]
    public void MaxFrameSize_NotGiven_IsTheAgentsDefault()
    {
        new FrameReader(new Pipe().Reader).MaxFrameSize.Should().Be(VarintFrame.DefaultMaxFrameSize).And.Be(64L * 1024 * 1024);
    }

    [Fact]
    public async Task ReadMessagesAsync_InputEndsInsideThePrefix_YieldsTheWholeFramesThenThrowsTruncatedLengthPrefix()
    {
        byte[] bytes = [.. VarintFrameTests.Frames(Requests.Point(1)), 0x80]; // a prefix that promises another byte
        var read = new List<Request>();

        var reading = () => ReadAllAsync(new FrameReader(Completed(bytes)), read);

        (await reading.Should().ThrowAsync<FrameException>()).Which.Error.Should().Be(FrameError.TruncatedLengthPrefix);
        read.Should().ContainSingle().Which.Point.Time.Should().Be(1);
    }

    [Fact]
    public async Task ReadMessagesAsync_InputEndsInsideThePayload_ThrowsTruncatedPayload()
    {
        byte[] bytes = [0x05, 0x0a, 0x00]; // 5 payload bytes announced, 2 sent

        var reading = () => ReadAllAsync(new FrameReader(Completed(bytes)));

        var error = (await reading.Should().ThrowAsync<FrameException>()).Which;
        error.Error.Should().Be(FrameError.TruncatedPayload);
        error.Message.Should().Be("input ended inside a frame: expected 5 payload bytes, got 2 (3 missing)");
    }

    [Fact]
    public async Task ReadMessageAsync_TruncatedAnswer_ThrowsTheNamedErrorNotAnEmptyMessage()
    {
        var frames = new FrameReader(Completed([0x04, 0x12]));

        var reading = () => frames.ReadMessageAsync(Response.Parser).AsTask().WaitAsync(Timeout);

        (await reading.Should().ThrowAsync<FrameException>()).Which.Error.Should().Be(FrameError.TruncatedPayload);
    }

    [Fact]
    public async Task ReadMessageAsync_ZeroLengthFrame_ParsesAnEmptyMessage()
    {
        // A zero-length payload is a valid protobuf message with no field set.
        var frames = new FrameReader(Completed([0x00]));

        var message = await frames.ReadMessageAsync(Response.Parser).AsTask().WaitAsync(Timeout);

        message.Should().NotBeNull();
        message!.MessageCase.Should().Be(Response.MessageOneofCase.None);
        (await frames.ReadMessageAsync(Response.Parser).AsTask().WaitAsync(Timeout)).Should().BeNull("the input ended after it");
    }

    [Fact]
    public async Task ReadMessageAsync_EmptyInput_ReturnsNull()
    {
        var frames = new FrameReader(Completed([]));

        (await frames.ReadMessageAsync(Response.Parser).AsTask().WaitAsync(Timeout)).Should().BeNull();
    }

    [Fact]
    public async Task ReadAsync_TokenCancelled_ThrowsAndTheReaderStaysUsable()
    {
        var pipe = new Pipe();
        var frames = new FrameReader(pipe.Reader);
        using var cancel = new CancellationTokenSource();

        var waiting = frames.ReadAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await waiting.Awaiting(w => w.WaitAsync(Timeout)).Should().ThrowAsync<OperationCanceledException>();
        await pipe.Writer.WriteAsync(VarintFrameTests.Frames(Requests.Point(5))).AsTask().WaitAsync(Timeout);
        (await frames.ReadMessageAsync(Request.Parser).AsTask().WaitAsync(Timeout))!.Point.Time.Should().Be(5);
    }

    [Fact]
    public async Task ReadAsync_CancelPendingRead_ThrowsOperationCanceled()
    {
        var pipe = new Pipe();
        var frames = new FrameReader(pipe.Reader);

        var waiting = frames.ReadAsync().AsTask();
        pipe.Reader.CancelPendingRead();

        await waiting.Awaiting(w => w.WaitAsync(Timeout)).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task ReadMessagesAsync_LeftEarly_TheFramesNotReadStayInThePipe()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(VarintFrameTests.Frames(Requests.Point(1), Requests.Point(2), Requests.Point(3))).AsTask().WaitAsync(Timeout);
        var frames = new FrameReader(pipe.Reader);
        using var cancel = new CancellationTokenSource(Timeout);

        await foreach (var first in frames.ReadMessagesAsync(Request.Parser, cancel.Token))
        {
            first.Point.Time.Should().Be(1);
            break;
        }

        // Released: the pipe can be read directly, and it still holds the other two frames.
        var rest = await pipe.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        rest.Buffer.ToArray().Should().Equal(VarintFrameTests.Frames(Requests.Point(2), Requests.Point(3)));
        pipe.Reader.AdvanceTo(rest.Buffer.Start);
        (await frames.ReadMessageAsync(Request.Parser).AsTask().WaitAsync(Timeout))!.Point.Time.Should().Be(2);
    }

    [Fact]
    public async Task ReadAsync_EveryFrameTaken_ExaminedToTheEndSoTheNextReadWaitsForNewBytes()
    {
        // The canonical AdvanceTo(consumed, examined): with half a frame left, the next read must wait for more bytes
        // (examined = end); with whole frames left, it must not (examined = consumed), or it would wait forever.
        var whole = VarintFrameTests.Frames(Requests.Point(1));
        var recording = new RecordingPipeReader(Completed([.. whole, .. whole, 0x05]));
        var frames = new FrameReader(recording);

        await frames.ReadAsync().AsTask().WaitAsync(Timeout);
        frames.TryReadFrame(out _).Should().BeTrue();
        frames.Release();
        await frames.ReadAsync().AsTask().WaitAsync(Timeout);
        while (frames.TryReadFrame(out _))
        {
        }

        frames.Release();

        recording.Advances.Should().Equal(
            (whole.Length, whole.Length),
            (2 * whole.Length, (2 * whole.Length) + 1));
    }

    [Fact]
    public async Task TryRead_NothingBuffered_ReturnsFalseWithoutWaiting()
    {
        var pipe = new Pipe();
        var frames = new FrameReader(pipe.Reader);

        frames.TryRead().Should().BeFalse();
        await pipe.Writer.WriteAsync(VarintFrameTests.Frames(Requests.Point(1))).AsTask().WaitAsync(Timeout);
        frames.TryRead().Should().BeTrue();
        frames.TryReadFrame(out var payload).Should().BeTrue();
        Request.Parser.ParseFrom(payload).Point.Time.Should().Be(1);
        frames.TryReadFrame(out _).Should().BeFalse();
        frames.TryRead().Should().BeFalse();
    }

    [Fact]
    public void TryReadFrame_BeforeAnyRead_ReturnsFalse()
    {
        new FrameReader(Completed([0x00])).TryReadFrame(out _).Should().BeFalse();
    }

    private static PipeReader Completed(byte[] bytes) => PipeReader.Create(new ReadOnlySequence<byte>(bytes));

    private static async Task<List<Request>> ReadAllAsync(FrameReader frames, List<Request>? into = null)
    {
        var read = into ?? [];
        using var cancel = new CancellationTokenSource(Timeout);
        await foreach (var request in frames.ReadMessagesAsync(Request.Parser, cancel.Token))
        {
            read.Add(request);
        }

        return read;
    }

    /// <summary>Records every AdvanceTo as (consumed, examined) byte offsets from the start of the input.</summary>
    private sealed class RecordingPipeReader(PipeReader inner) : PipeReader
    {
        private ReadOnlySequence<byte> _lastBuffer;
        private long _offset;

        public List<(long Consumed, long Examined)> Advances { get; } = [];

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.ReadAsync(cancellationToken);
            _lastBuffer = result.Buffer;
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            var read = inner.TryRead(out result);
            _lastBuffer = result.Buffer;
            return read;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            var consumedBytes = _lastBuffer.Slice(0, consumed).Length;
            Advances.Add((_offset + consumedBytes, _offset + _lastBuffer.Slice(0, examined).Length));
            _offset += consumedBytes;
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }
}
