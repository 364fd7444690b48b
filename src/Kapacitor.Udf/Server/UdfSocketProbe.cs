using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// Does what Kapacitor's startup probe does, against a running socket server: connect, InfoRequest, InfoResponse,
/// half-close, read to EOF. For health checks (<c>--health</c>), so a container or systemd can tell a server that
/// answers from one that merely has a socket file.
/// </summary>
internal static class UdfSocketProbe
{
    /// <summary>Runs one Info round trip.</summary>
    /// <param name="socketPath">The server's socket.</param>
    /// <param name="timeout">The bound on the whole round trip.</param>
    /// <returns>The server's answer.</returns>
    /// <exception cref="IOException">No server, a refused or broken connection, an ErrorResponse, or no answer
    /// within <paramref name="timeout"/>; the message says which (without the path).</exception>
    public static async Task<InfoResponse> InfoAsync(string socketPath, TimeSpan timeout)
    {
        if (!File.Exists(socketPath))
        {
            throw new IOException("no socket file (is the server running?)");
        }

        using var limit = new CancellationTokenSource(timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), limit.Token).ConfigureAwait(false);
            var request = new ArrayBufferWriter<byte>();
            VarintFrame.WriteFrame(request, new Request { Info = new InfoRequest() });
            await socket.SendAsync(request.WrittenMemory, SocketFlags.None, limit.Token).ConfigureAwait(false);

            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
            var info = await ReadInfoAsync(reader, limit.Token).ConfigureAwait(false);

            // End as Kapacitor does, so the server sees an orderly Info-only connection.
            socket.Shutdown(SocketShutdown.Send);
            while (true)
            {
                var rest = await reader.ReadAsync(limit.Token).ConfigureAwait(false);
                reader.AdvanceTo(rest.Buffer.End);
                if (rest.IsCompleted)
                {
                    break;
                }
            }

            await reader.CompleteAsync().ConfigureAwait(false);
            return info;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            throw new IOException($"no Info answer within {timeout.TotalSeconds:0.###}s");
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            throw new IOException("nothing is listening (a stale socket file?)", ex);
        }
        catch (SocketException ex)
        {
            throw new IOException(ex.Message, ex);
        }
    }

    private static async Task<InfoResponse> ReadInfoAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        try
        {
            // Leaving the loop hands the buffer back, so the caller can read on to EOF.
            await foreach (var response in new FrameReader(reader).ReadMessagesAsync(Response.Parser, cancellationToken).ConfigureAwait(false))
            {
                switch (response.MessageCase)
                {
                    case Response.MessageOneofCase.Info:
                        return response.Info;
                    case Response.MessageOneofCase.Error:
                        throw new IOException($"the server answered with an error: {response.Error.Error}");
                }

                // A heartbeat (keepalive) while Info runs long: keep waiting.
            }
        }
        catch (Exception ex) when (ex is FrameException or Google.Protobuf.InvalidProtocolBufferException)
        {
            throw new IOException($"the server's answer is not a valid frame: {ex.Message}", ex);
        }

        throw new IOException("the server closed the connection without answering Info");
    }
}
