using System.IO.Pipelines;

namespace Kapacitor.Udf.Tests.Support;

/// <summary>Counts the flushes that reach the wrapped writer: the flush policy is observable through it.</summary>
internal sealed class CountingPipeWriter : PipeWriter
{
    private readonly PipeWriter _inner;
    private int _flushes;

    public CountingPipeWriter(PipeWriter inner) => _inner = inner;

    public int Flushes => Volatile.Read(ref _flushes);

    public override void Advance(int bytes) => _inner.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _inner.GetSpan(sizeHint);

    public override void CancelPendingFlush() => _inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _flushes);
        return _inner.FlushAsync(cancellationToken);
    }
}
