using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace Kapacitor.Udf.Framing;

/// <summary>
/// Reads frames from a <see cref="PipeReader"/>: the one client-side frame loop (the agent's own reader aside), with
/// the size cap and the truncation error in one place. Use <see cref="ReadMessagesAsync{T}"/> for every message until
/// the end, <see cref="ReadMessageAsync{T}"/> for one at a time, or <see cref="ReadAsync"/> and
/// <see cref="TryReadFrame"/> for raw payloads:
/// <code>
/// while (await frames.ReadAsync(cancellationToken))
/// {
///     while (frames.TryReadFrame(out var payload))
///     {
///         Handle(payload);   // valid until the next ReadAsync or Release
///     }
/// }
/// </code>
/// </summary>
/// <remarks>Not thread-safe: one reader at a time, as for the <see cref="PipeReader"/> itself. While a read's buffer
/// is held (between <see cref="ReadAsync"/> and the next <see cref="ReadAsync"/> or <see cref="Release"/>) the pipe
/// must not be read directly. No heap allocation per read or per frame.</remarks>
public sealed class FrameReader
{
    private readonly PipeReader _input;
    private ReadOnlySequence<byte> _buffer;
    private SequencePosition _end;
    private bool _holding;
    private bool _examinedAll;
    private bool _completed;

    /// <summary>Creates a reader over <paramref name="input"/>. Nothing is read until <see cref="ReadAsync"/>.</summary>
    /// <param name="input">The byte stream of frames.</param>
    /// <param name="maxFrameSize">The largest payload accepted (default <see cref="VarintFrame.DefaultMaxFrameSize"/>, the agent's).</param>
    public FrameReader(PipeReader input, long maxFrameSize = VarintFrame.DefaultMaxFrameSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFrameSize);
        _input = input;
        MaxFrameSize = maxFrameSize;
    }

    /// <summary>The largest payload accepted; a longer frame fails with <see cref="FrameError.FrameTooLarge"/>.</summary>
    public long MaxFrameSize { get; }

    /// <summary>
    /// Hands back the frames already taken and waits for more input (the canonical
    /// <c>ReadAsync</c>/<c>AdvanceTo(consumed, examined)</c> step): afterwards take frames with <see cref="TryReadFrame"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait; the reader stays usable.</param>
    /// <returns><see langword="true"/> when input is buffered (possibly not yet a whole frame);
    /// <see langword="false"/> at the end of the input after a whole number of frames.</returns>
    /// <exception cref="FrameException">The input ended inside a frame (<see cref="FrameError.TruncatedLengthPrefix"/>
    /// or <see cref="FrameError.TruncatedPayload"/>).</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled (by the token or <c>CancelPendingRead</c>).</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_holding && _completed)
        {
            return HasBufferedAfterEnd();
        }

        Release();
        return Take(await _input.ReadAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>As <see cref="ReadAsync"/>, without waiting: takes what the pipe holds now.</summary>
    /// <returns><see langword="true"/> when input is buffered (possibly not yet a whole frame); <see langword="false"/>
    /// when nothing is, or at the end of the input after a whole number of frames.</returns>
    /// <exception cref="FrameException">The input ended inside a frame.</exception>
    public bool TryRead()
    {
        if (_holding && _completed)
        {
            return HasBufferedAfterEnd();
        }

        Release();
        return _input.TryRead(out var result) && Take(result);
    }

    /// <summary>Takes the next whole frame from the input read by <see cref="ReadAsync"/>.</summary>
    /// <param name="payload">The payload, a slice of the pipe's buffer: valid until the next <see cref="ReadAsync"/>
    /// or <see cref="Release"/>.</param>
    /// <returns><see langword="false"/> when no whole frame is buffered: call <see cref="ReadAsync"/>.</returns>
    /// <exception cref="FrameException">The length prefix overflows, or announces more than <see cref="MaxFrameSize"/>.</exception>
    public bool TryReadFrame(out ReadOnlySequence<byte> payload)
    {
        if (!_holding)
        {
            payload = default;
            return false;
        }

        if (VarintFrame.TryReadFrame(ref _buffer, MaxFrameSize, out payload))
        {
            return true;
        }

        _examinedAll = true;
        return false;
    }

    /// <summary>
    /// Hands the buffer back to the pipe (<c>AdvanceTo</c> past the frames taken), so the <see cref="PipeReader"/> may
    /// be read directly or completed. Frames not yet taken stay in the pipe for the next read. Does nothing when no
    /// buffer is held.
    /// </summary>
    public void Release()
    {
        if (!_holding)
        {
            return;
        }

        _holding = false;
        // Examined up to the end only when every frame was taken: otherwise the next read must not wait for new bytes.
        _input.AdvanceTo(_buffer.Start, _examinedAll ? _end : _buffer.Start);
    }

    /// <summary>Reads the next frame and parses it; the buffer is released before returning, so the pipe may be used
    /// directly between calls.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="parser">The message's parser (e.g. <c>Response.Parser</c>).</param>
    /// <param name="cancellationToken">Cancels the wait; the reader stays usable.</param>
    /// <returns>The message, or <see langword="null"/> at the end of the input after a whole number of frames.</returns>
    /// <exception cref="FrameException">The input is not a valid frame sequence (see <see cref="ReadAsync"/>,
    /// <see cref="TryReadFrame"/>).</exception>
    /// <exception cref="InvalidProtocolBufferException">A payload is not a <typeparamref name="T"/>.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    public async ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken = default)
        where T : class, IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);
        try
        {
            ReadOnlySequence<byte> payload;
            while (!TryReadFrame(out payload))
            {
                if (!await ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
            }

            return parser.ParseFrom(payload);
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Every message until the end of the input. Leaving the loop early releases the buffer, so the pipe may
    /// then be used directly.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="parser">The message's parser (e.g. <c>Response.Parser</c>).</param>
    /// <param name="cancellationToken">Cancels the wait for input.</param>
    /// <returns>The messages in input order.</returns>
    /// <exception cref="FrameException">The input is not a valid frame sequence (see <see cref="ReadAsync"/>,
    /// <see cref="TryReadFrame"/>).</exception>
    /// <exception cref="InvalidProtocolBufferException">A payload is not a <typeparamref name="T"/>.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    public async IAsyncEnumerable<T> ReadMessagesAsync<T>(MessageParser<T> parser, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);
        try
        {
            while (await ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (TryReadFrame(out var payload))
                {
                    yield return parser.ParseFrom(payload);
                }
            }
        }
        finally
        {
            Release();
        }
    }

    private bool Take(ReadResult result)
    {
        if (result.IsCanceled)
        {
            _input.AdvanceTo(result.Buffer.Start);
            throw new OperationCanceledException("the frame read was cancelled (CancelPendingRead)");
        }

        _buffer = result.Buffer;
        _end = result.Buffer.End;
        _holding = true;
        _examinedAll = false;
        _completed = result.IsCompleted;
        return !(_completed && _buffer.IsEmpty);
    }

    // Nothing more will arrive: what is buffered is all there is.
    private bool HasBufferedAfterEnd()
    {
        if (_buffer.IsEmpty)
        {
            return false;
        }

        if (!_examinedAll)
        {
            return true;
        }

        var truncation = VarintFrame.DescribeTruncation(_buffer);
        Release();
        throw truncation;
    }
}
