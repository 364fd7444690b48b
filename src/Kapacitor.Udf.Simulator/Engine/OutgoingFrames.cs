using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Input;

namespace Kapacitor.Udf.Simulator.Engine;

// The requests on their way to the UDF. The driver encodes frames into a 64 KiB chunk on its own thread and queues the
// chunk when it is full or when the driver flushes (a management request, the input about to wait, the end); the
// writer loop writes one chunk per write. So a point costs no thread hand-off, a file goes out in large writes and a
// live line at once. The queue holds a few chunks: a UDF that stops reading stops the driver, in bounded memory.
internal sealed class OutgoingFrames
{
    public const int ChunkSize = 64 * 1024;

    private const int QueuedChunks = 4;

    private readonly ConcurrentQueue<Chunk> _free = new();
    private Chunk? _pending;

    // Chunks in the one total order of the connection: the driver's and the keepalive loop's.
    public Channel<Chunk> Queue { get; } = Channel.CreateBounded<Chunk>(
        new BoundedChannelOptions(QueuedChunks) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    // Appends a frame to the driver's pending chunk (driver thread only); true when the chunk is full.
    public bool Append(Request request)
    {
        _pending ??= Rent();
        VarintFrame.WriteFrame(_pending.Bytes, request);
        return _pending.Bytes.WrittenCount >= ChunkSize;
    }

    // Appends a point encoded straight from its line (driver thread only); true when the chunk is full.
    public bool Append(RawPoint point, RawPointEncoder encoder)
    {
        _pending ??= Rent();
        encoder.Write(_pending.Bytes, point);
        return _pending.Bytes.WrittenCount >= ChunkSize;
    }

    // The driver's pending chunk, to be queued (driver thread only); null when nothing is pending.
    public Chunk? TakePending()
    {
        var chunk = _pending;
        _pending = null;
        return chunk;
    }

    // A chunk holding one keepalive request, for the keepalive loop.
    public Chunk Keepalive(Request keepalive)
    {
        var chunk = Rent();
        VarintFrame.WriteFrame(chunk.Bytes, keepalive);
        chunk.Keepalives = 1;
        return chunk;
    }

    // Back from the writer loop once written (or dropped).
    public void Return(Chunk chunk)
    {
        // A chunk that grew for one large request (a restore snapshot) is not kept.
        if (chunk.Bytes.Capacity <= 2 * ChunkSize && _free.Count <= QueuedChunks)
        {
            chunk.Bytes.ResetWrittenCount();
            chunk.Keepalives = 0;
            _free.Enqueue(chunk);
        }
    }

    private Chunk Rent() => _free.TryDequeue(out var chunk) ? chunk : new Chunk();

    internal sealed class Chunk
    {
        public ArrayBufferWriter<byte> Bytes { get; } = new(ChunkSize + (4 * 1024));

        public int Keepalives { get; set; }
    }
}
