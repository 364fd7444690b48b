namespace Kapacitor.Udf;

/// <summary>
/// Makes a stream's async reads and writes run synchronously on the calling thread.
/// </summary>
/// <remarks>
/// STDIN/STDOUT streams implement async I/O by blocking a thread-pool thread per call, and socket streams complete
/// their async I/O through the thread pool. The agent already reads and writes from its own dedicated threads, where
/// blocking is the point: a blocked read on the reader thread is "no input yet", and a blocked write is
/// back-pressure. Neither the pool's availability nor its latency can then delay a keepalive answer. Disposing the
/// underlying socket wakes a blocked call with an exception.
/// </remarks>
internal sealed class BlockingStream : Stream
{
    private readonly Stream _inner;

    public BlockingStream(Stream inner) => _inner = inner;

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _inner.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_inner.Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(_inner.Read(buffer, offset, count));

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _inner.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        _inner.Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        _inner.Flush();
        return Task.CompletedTask;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
