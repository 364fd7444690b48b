using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Support;

/// <summary>Kapacitor's side of one socket connection, raw: frames out, frames in, half-close. Every wait is bounded.</summary>
internal sealed class UdfSocketClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;

    private UdfSocketClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
    }

    public static async Task<UdfSocketClient> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token);
            return new UdfSocketClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
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
        await _socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
    }

    /// <summary>What Kapacitor does to end its input: <c>CloseWrite</c>, then it reads until EOF.</summary>
    public void HalfClose() => _socket.Shutdown(SocketShutdown.Send);

    public async Task<Response> ReadAsync() =>
        await ReadOrEndAsync() ?? throw new EndOfStreamException("the server closed the connection before another response");

    /// <summary>The next response, or <see langword="null"/> at EOF.</summary>
    public async Task<Response?> ReadOrEndAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(timeout.Token);
                var buffer = result.Buffer;
                if (VarintFrame.TryReadFrame(ref buffer, long.MaxValue, out var payload))
                {
                    var response = Response.Parser.ParseFrom(payload);
                    _reader.AdvanceTo(buffer.Start);
                    return response;
                }

                if (result.IsCompleted)
                {
                    _reader.AdvanceTo(buffer.End);
                    return buffer.IsEmpty ? null : throw VarintFrame.DescribeTruncation(buffer);
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
            }
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
        _stream.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
