using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Support;

/// <summary>Kapacitor's side of one connection, raw: frames out, frames in, half-close. Over a socket, or over a
/// process's STDIN/STDOUT (<see cref="ForProcess"/>). Every wait is bounded.</summary>
internal sealed class UdfSocketClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly Stream _toUdf;
    private readonly PipeReader _reader;
    private readonly FrameReader _frames;
    private readonly Action _halfClose;
    private readonly Action _dispose;
    private bool _halfClosed;

    private UdfSocketClient(Stream toUdf, Stream fromUdf, Action halfClose, Action dispose)
    {
        _toUdf = toUdf;
        _reader = PipeReader.Create(fromUdf, new StreamPipeReaderOptions(leaveOpen: true));
        _frames = new FrameReader(_reader);
        _halfClose = halfClose;
        _dispose = dispose;
    }

    public static async Task<UdfSocketClient> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token);
            var stream = new NetworkStream(socket, ownsSocket: false);
            return new UdfSocketClient(stream, stream, () => socket.Shutdown(SocketShutdown.Send), () =>
            {
                stream.Dispose();
                socket.Dispose();
            });
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Kapacitor's side of a process UDF: frames to its STDIN, from its STDOUT (started with raw stdio).</summary>
    public static UdfSocketClient ForProcess(System.Diagnostics.Process process)
    {
        var stdin = process.StandardInput.BaseStream;
        return new UdfSocketClient(stdin, process.StandardOutput.BaseStream, () => CloseQuietly(stdin), () => CloseQuietly(stdin));
    }

    public Task SendAsync(Request request) => SendAsync([request]);

    /// <summary>Sends the requests as one write (several frames back to back, as Kapacitor's writer produces them).</summary>
    public Task SendAsync(IEnumerable<Request> requests)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var request in requests)
        {
            VarintFrame.WriteFrame(buffer, request);
        }

        return SendBytesAsync(buffer.WrittenMemory);
    }

    public async Task SendBytesAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _toUdf.WriteAsync(bytes, timeout.Token);
        await _toUdf.FlushAsync(timeout.Token);
    }

    /// <summary>What Kapacitor does to end its input: <c>CloseWrite</c> (or closing STDIN), then it reads until EOF.</summary>
    public void HalfClose()
    {
        if (!_halfClosed)
        {
            _halfClosed = true;
            _halfClose();
        }
    }

    public async Task<Response> ReadAsync() =>
        await ReadOrEndAsync() ?? throw new EndOfStreamException("the server closed the connection before another response");

    /// <summary>The next response, or <see langword="null"/> at EOF.</summary>
    public async Task<Response?> ReadOrEndAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            return await _frames.ReadMessageAsync(Response.Parser, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no response within {Timeout.TotalSeconds:0}s");
        }
    }

    /// <summary>Every remaining response until EOF.</summary>
    public async Task<List<Response>> ReadToEndAsync()
    {
        var responses = new List<Response>();
        while (await ReadOrEndAsync() is { } response)
        {
            responses.Add(response);
        }

        return responses;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Complete();
        _dispose();
        return ValueTask.CompletedTask;
    }

    // The UDF may have exited already: closing a broken pipe is not a test failure.
    private static void CloseQuietly(Stream stream)
    {
        try
        {
            stream.Dispose();
        }
        catch (IOException)
        {
        }
    }
}
