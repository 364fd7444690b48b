using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Testing;

/// <summary>
/// Runs a handler in-process behind a real <see cref="UdfAgent"/>, through the real framing, over in-memory pipes:
/// the test plays Kapacitor. Every wait is bounded by <see cref="Timeout"/>, so a broken UDF fails a test instead of
/// hanging it. Independent of any test framework.
/// </summary>
/// <remarks>
/// <para><b>Fluent use</b> (what Kapacitor does, step by step):</para>
/// <code>
/// await using var udf = UdfTestHarness.Start(ctx =&gt; new MovingAverage(ctx));
/// (await udf.InitAsync(".field('value')", ".size(3)")).Success.Should().BeTrue();
/// await udf.SendPointsAsync(points);
/// var output = await udf.ReadOutputAsync();   // everything emitted for the input so far
/// var snapshot = await udf.SnapshotAsync();
/// </code>
/// <para>Management calls (<see cref="InitAsync(string[])"/>, <see cref="SnapshotAsync"/>, <see cref="RestoreAsync(ByteString)"/>,
/// <see cref="KeepaliveAsync"/>) read up to their answer; data emitted meanwhile is kept for the next read, so nothing
/// is lost. The raw methods (<see cref="SendAsync"/>, <see cref="ReadAsync"/>) remain for protocol-level tests.</para>
/// </remarks>
public sealed partial class UdfTestHarness : IAsyncDisposable
{
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly FrameReader _frames;
    private readonly Queue<Received> _pending = new();
    private InfoResponse? _info;
    private bool _inputCompleted;

    private UdfTestHarness(Func<UdfHandlerContext, IUdfHandler> handlerFactory, UdfAgentOptions options, TimeSpan timeout)
    {
        Timeout = timeout;
        // The input pipe must hold a whole frame of the largest size the agent accepts, or a big frame would
        // pause the writer before the reader could consume it.
        var inputLimit = Math.Max(options.MaxFrameSize + VarintFrame.MaxPrefixLength + 1, 64 * 1024);
        _input = new Pipe(new PipeOptions(pauseWriterThreshold: inputLimit, resumeWriterThreshold: inputLimit / 2));
        _output = new Pipe();
        // Kapacitor sets no limit of its own; the agent's limit (or the default, if larger) catches runaway output.
        _frames = new FrameReader(_output.Reader, Math.Max(options.MaxFrameSize, VarintFrame.DefaultMaxFrameSize));
        Agent = new UdfAgent(_input.Reader, _output.Writer, handlerFactory, options);
        Completion = Agent.RunAsync();
    }

    /// <summary>The longest any single wait may take (default 10 s).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The agent under test.</summary>
    public UdfAgent Agent { get; }

    /// <summary>How the agent's run ended; completes after the input is completed (or the agent fails).</summary>
    public Task<UdfAgentResult> Completion { get; }

    /// <summary>The raw output side, for tests that stall the reader or inspect bytes.</summary>
    public PipeReader Output => _output.Reader;

    /// <summary>Starts an agent for the handler that <paramref name="handlerFactory"/> creates.</summary>
    /// <param name="handlerFactory">Creates the handler under test.</param>
    /// <param name="options">Agent options; defaults when <see langword="null"/>.</param>
    /// <param name="timeout">The bound on every wait (default 10 s).</param>
    /// <returns>The running harness; dispose it.</returns>
    public static UdfTestHarness Start(Func<UdfHandlerContext, IUdfHandler> handlerFactory, UdfAgentOptions? options = null, TimeSpan? timeout = null) =>
        new(handlerFactory, options ?? new UdfAgentOptions(), timeout ?? TimeSpan.FromSeconds(10));

    /// <summary>Sends one request as Kapacitor would: one frame, flushed.</summary>
    /// <param name="request">The request.</param>
    /// <returns>A task that completes when the agent has room for it.</returns>
    public ValueTask SendAsync(Request request)
    {
        VarintFrame.WriteFrame(_input.Writer, request);
        return FlushInputAsync();
    }

    /// <summary>Sends raw bytes (anything, valid or not).</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>A task that completes when the agent has room for them.</returns>
    public ValueTask SendBytesAsync(ReadOnlyMemory<byte> bytes)
    {
        _input.Writer.Write(bytes.Span);
        return FlushInputAsync();
    }

    /// <summary>Ends the input, as Kapacitor closing STDIN (or half-closing a socket).</summary>
    public void CompleteInput()
    {
        _inputCompleted = true;
        _input.Writer.Complete();
    }

    /// <summary>Reads the next response.</summary>
    /// <returns>The response.</returns>
    /// <exception cref="TimeoutException">None arrived within <see cref="Timeout"/>.</exception>
    /// <exception cref="EndOfStreamException">The output ended first.</exception>
    public async ValueTask<Response> ReadAsync() =>
        await ReadOrEndAsync() ?? throw new EndOfStreamException("the UDF's output ended before another response");

    /// <summary>Reads the next response, or <see langword="null"/> at the end of the output.</summary>
    /// <returns>The response or <see langword="null"/>.</returns>
    /// <exception cref="TimeoutException">Neither arrived within <see cref="Timeout"/>.</exception>
    public async ValueTask<Response?> ReadOrEndAsync() =>
        (_pending.TryDequeue(out var held) ? held : await ReceiveAsync())?.Response;

    /// <summary>Reads every remaining response until the output ends.</summary>
    /// <returns>The responses in order.</returns>
    public async Task<IReadOnlyList<Response>> ReadToEndAsync()
    {
        var responses = new List<Response>();
        while (await ReadOrEndAsync() is { } response)
        {
            responses.Add(response);
        }

        return responses;
    }

    /// <summary>Reads the next whole frame as raw bytes (length prefix included), or <see langword="null"/> at the end.</summary>
    /// <returns>The frame bytes or <see langword="null"/>.</returns>
    /// <exception cref="TimeoutException">Neither arrived within <see cref="Timeout"/>.</exception>
    /// <exception cref="FrameException">The output is not a valid frame sequence.</exception>
    public async ValueTask<byte[]?> ReadFrameOrEndAsync() =>
        (_pending.TryDequeue(out var held) ? held : await ReceiveAsync())?.Frame;

    /// <summary>Waits for the agent to finish.</summary>
    /// <returns>How the run ended.</returns>
    /// <exception cref="TimeoutException">It did not finish within <see cref="Timeout"/>.</exception>
    public async Task<UdfAgentResult> WaitForExitAsync()
    {
        try
        {
            return await Completion.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the agent did not finish within {Timeout.TotalSeconds:0.#}s");
        }
    }

    /// <summary>Ends the input, drains the output and waits (bounded) for the agent.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        await _input.Writer.CompleteAsync();
        var drain = DrainOutputAsync();
        await Task.WhenAny(Task.WhenAll(Completion, drain), Task.Delay(Timeout));
    }

    // One frame from the output, parsed once and kept as bytes too (for ReadFrameOrEndAsync). The buffer is handed
    // back before returning, so tests may read the Output pipe directly between calls.
    private async ValueTask<Received?> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            ReadOnlySequence<byte> payload;
            while (!_frames.TryReadFrame(out payload))
            {
                if (!await _frames.ReadAsync(timeout.Token))
                {
                    return null;
                }
            }

            // The agent writes minimal length prefixes, so this is the frame byte for byte.
            var frame = new byte[VarintFrame.GetPrefixLength((ulong)payload.Length) + payload.Length];
            var prefixLength = VarintFrame.WriteVarint(frame, (ulong)payload.Length);
            payload.CopyTo(frame.AsSpan(prefixLength));
            return new Received(Response.Parser.ParseFrom(frame.AsSpan(prefixLength)), frame);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"the UDF sent no response within {Timeout.TotalSeconds:0.#}s");
        }
        finally
        {
            _frames.Release();
        }
    }

    private async Task DrainOutputAsync()
    {
        try
        {
            while (true)
            {
                var result = await _output.Reader.ReadAsync();
                _output.Reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The test completed the output reader itself (simulating a consumer that went away).
        }

        await _output.Reader.CompleteAsync();
    }

    private async ValueTask FlushInputAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await _input.Writer.FlushAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"the UDF did not accept more input within {Timeout.TotalSeconds:0.#}s");
        }
    }

    /// <summary>A response as read, and its frame's bytes.</summary>
    private sealed record Received(Response Response, byte[] Frame);
}
