namespace Kapacitor.Udf.LoadTool.Workloads;

/// <summary>Packs whole frames into chunks of about <c>writeSize</c> bytes (at least one frame each): one write per chunk.</summary>
internal sealed class ChunkBuilder
{
    private readonly int _writeSize;
    private readonly List<ReadOnlyMemory<byte>> _chunks = [];
    private byte[] _current;
    private int _used;

    public ChunkBuilder(int writeSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(writeSize);
        _writeSize = writeSize;
        _current = new byte[writeSize];
    }

    public long TotalBytes { get; private set; }

    /// <summary>Room for the next frame of <paramref name="length"/> bytes; call <see cref="Commit"/> after writing it.</summary>
    public Span<byte> Reserve(int length)
    {
        if (_used > 0 && _used + length > _current.Length)
        {
            Seal();
        }

        if (length > _current.Length - _used)
        {
            _current = new byte[Math.Max(_writeSize, length)];
        }

        return _current.AsSpan(_used, length);
    }

    public void Commit(int length)
    {
        _used += length;
        TotalBytes += length;
    }

    /// <summary>Adds an already-encoded frame.</summary>
    public void Add(ReadOnlySpan<byte> frame)
    {
        frame.CopyTo(Reserve(frame.Length));
        Commit(frame.Length);
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> Build()
    {
        if (_used > 0)
        {
            Seal();
        }

        return _chunks;
    }

    private void Seal()
    {
        _chunks.Add(_current.AsMemory(0, _used));
        _current = new byte[_writeSize];
        _used = 0;
    }
}
