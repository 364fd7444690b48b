using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using Kapacitor.Udf.Framing;

namespace Kapacitor.Udf.LoadTool.Workloads;

/// <summary>
/// The SDK's <see cref="FrameReader"/> fed by blocking reads of a stream on the caller's own thread: a measurement
/// thread then waits for the UDF only, never for the thread pool, and a timestamp taken after a frame is parsed
/// means "parsed". Framing (lengths, the size cap, truncation) is all <see cref="FrameReader"/>'s; this class only
/// moves bytes from the stream into its pipe, counting them.
/// </summary>
/// <remarks>Not thread-safe: one reading thread.</remarks>
internal sealed class BlockingFrameReader
{
    private readonly Stream _stream;
    private readonly Pipe _pipe;
    private readonly int _readSize;
    private bool _ended;

    /// <param name="stream">The UDF's output.</param>
    /// <param name="maxFrameSize">The largest payload accepted (<see cref="FrameError.FrameTooLarge"/> beyond).</param>
    /// <param name="readSize">The room offered to each read of <paramref name="stream"/>.</param>
    public BlockingFrameReader(Stream stream, long maxFrameSize = VarintFrame.DefaultMaxFrameSize, int readSize = 64 * 1024)
    {
        _stream = stream;
        _readSize = readSize;
        // Never paused: this thread is the pipe's only writer and only reader, so a flush must complete at once.
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: readSize, useSynchronizationContext: false));
        Frames = new FrameReader(_pipe.Reader, maxFrameSize);
    }

    /// <summary>The frames read so far: take them with <see cref="FrameReader.TryReadFrame"/> after <see cref="Read"/>.</summary>
    public FrameReader Frames { get; }

    /// <summary>Reads of the stream that returned bytes.</summary>
    public long Reads { get; private set; }

    /// <summary>Bytes read from the stream.</summary>
    public long Bytes { get; private set; }

    /// <summary>Blocks until the stream gives bytes or ends, then hands what is buffered to <see cref="Frames"/>.</summary>
    /// <returns>As <see cref="FrameReader.ReadAsync"/>: <see langword="false"/> at the end of the stream after a
    /// whole number of frames.</returns>
    /// <exception cref="FrameException">The stream ended inside a frame.</exception>
    public bool Read()
    {
        if (!_ended)
        {
            var read = _stream.Read(_pipe.Writer.GetSpan(_readSize));
            if (read == 0)
            {
                _ended = true;
                _pipe.Writer.Complete();
            }
            else
            {
                Reads++;
                Bytes += read;
                _pipe.Writer.Advance(read);
                var flush = _pipe.Writer.FlushAsync();
                if (!flush.IsCompletedSuccessfully)
                {
                    throw new InvalidOperationException("an unpaused pipe's flush did not complete at once");
                }
            }
        }

        return Frames.TryRead();
    }

    /// <summary>The next frame, parsed; <see langword="null"/> at the end of the stream after a whole number of frames.</summary>
    /// <exception cref="FrameException">The stream is not a valid frame sequence.</exception>
    /// <exception cref="InvalidProtocolBufferException">A payload is not a <typeparamref name="T"/>.</exception>
    public T? ReadMessage<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        ReadOnlySequence<byte> payload;
        while (!Frames.TryReadFrame(out payload))
        {
            if (!Read())
            {
                return null;
            }
        }

        return parser.ParseFrom(payload);
    }
}
