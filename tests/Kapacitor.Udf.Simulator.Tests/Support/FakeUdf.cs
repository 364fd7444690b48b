using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.Simulator.Tests.Support;

/// <summary>
/// A scriptable UDF speaking the raw protocol (Google.Protobuf + VarintFrame, no agent). By default it behaves like
/// the mirror example: answers Info/Init/Keepalive/Snapshot/Restore correctly and echoes data. Each hook replaces the
/// default for one request type; hooks run on the fake's single reader thread.
/// </summary>
internal sealed class FakeUdf
{
    public FakeUdf(InfoResponse? info = null)
    {
        Info = info ?? new InfoResponse();
        Target = new InMemoryUdfTarget(RunAsync, "fake UDF");
    }

    public InfoResponse Info { get; }

    public InMemoryUdfTarget Target { get; }

    /// <summary>Every request received, with the connection it came on (0 = probe, 1 = task).</summary>
    public ConcurrentQueue<(int Connection, Request Request)> Received { get; } = new();

    public Action<InitRequest, FakeResponder>? OnInit { get; set; }

    public Action<KeepaliveRequest, FakeResponder>? OnKeepalive { get; set; }

    public Action<Point, FakeResponder>? OnPoint { get; set; }

    public Action<BeginBatch, FakeResponder>? OnBegin { get; set; }

    public Action<EndBatch, FakeResponder>? OnEnd { get; set; }

    public Action<SnapshotRequest, FakeResponder>? OnSnapshot { get; set; }

    public Action<RestoreRequest, FakeResponder>? OnRestore { get; set; }

    public Action<InfoRequest, FakeResponder>? OnInfo { get; set; }

    /// <summary>Called when the input ends, before exiting.</summary>
    public Action<FakeResponder>? OnEof { get; set; }

    /// <summary>Stay alive after the input ends until killed (a UDF that ignores EOF).</summary>
    public bool HangAfterEof { get; set; }

    public int ExitCode { get; set; }

    public IReadOnlyList<Request> ReceivedOn(int connection) =>
        Received.Where(r => r.Connection == connection).Select(r => r.Request).ToArray();

    /// <summary>Serves one connection over any streams (e.g. a socket), outside the in-memory target.</summary>
    public Task<int> ServeAsync(Stream input, Stream output, int connection, CancellationToken killed) =>
        RunAsync(new InMemoryUdf(input, output, _ => { }, connection, killed));

    private async Task<int> RunAsync(InMemoryUdf udf)
    {
        var input = PipeReader.Create(udf.Input);
        var output = PipeWriter.Create(udf.Output);
        var responder = new FakeResponder(udf.ConnectionIndex, udf.WriteStderr);
        try
        {
            await foreach (var request in new FrameReader(input).ReadMessagesAsync(Request.Parser, udf.Killed))
            {
                Received.Enqueue((udf.ConnectionIndex, request));
                Dispatch(request, responder);
                await responder.FlushToAsync(output);
                if (responder.Stalled)
                {
                    // Stop reading for good: the input backs up until the simulator gives up and kills us.
                    await Task.Delay(Timeout.Infinite, udf.Killed);
                }

                if (responder.Exited)
                {
                    break;
                }
            }

            if (!responder.Exited)
            {
                OnEof?.Invoke(responder);
                await responder.FlushToAsync(output);
                if (HangAfterEof)
                {
                    await Task.Delay(Timeout.Infinite, udf.Killed);
                }
            }
        }
        catch (OperationCanceledException) when (udf.Killed.IsCancellationRequested)
        {
            return 137;
        }
        finally
        {
            await output.CompleteAsync();
            await input.CompleteAsync();
        }

        return responder.ExitCode ?? ExitCode;
    }

    private void Dispatch(Request request, FakeResponder respond)
    {
        switch (request.MessageCase)
        {
            case Request.MessageOneofCase.Info:
                Call(OnInfo, request.Info, respond, () => respond.Send(new Response { Info = Info }));
                break;
            case Request.MessageOneofCase.Init:
                Call(OnInit, request.Init, respond, () => respond.Send(new Response { Init = new InitResponse { Success = true } }));
                break;
            case Request.MessageOneofCase.Keepalive:
                Call(OnKeepalive, request.Keepalive, respond,
                    () => respond.Send(new Response { Keepalive = new KeepaliveResponse { Time = request.Keepalive.Time } }));
                break;
            case Request.MessageOneofCase.Snapshot:
                Call(OnSnapshot, request.Snapshot, respond, () => respond.Send(new Response { Snapshot = new SnapshotResponse() }));
                break;
            case Request.MessageOneofCase.Restore:
                Call(OnRestore, request.Restore, respond, () => respond.Send(new Response { Restore = new RestoreResponse { Success = true } }));
                break;
            case Request.MessageOneofCase.Point:
                Call(OnPoint, request.Point, respond, () => respond.Send(new Response { Point = request.Point }));
                break;
            case Request.MessageOneofCase.Begin:
                Call(OnBegin, request.Begin, respond, () => respond.Send(new Response { Begin = request.Begin }));
                break;
            case Request.MessageOneofCase.End:
                Call(OnEnd, request.End, respond, () => respond.Send(new Response { End = request.End }));
                break;
        }
    }

    private static void Call<T>(Action<T, FakeResponder>? hook, T message, FakeResponder respond, Action fallback)
    {
        if (hook is null)
        {
            fallback();
        }
        else
        {
            hook(message, respond);
        }
    }
}

/// <summary>What a hook can do: queue responses or raw bytes, write STDERR, exit.</summary>
internal sealed class FakeResponder(int connection, Action<string> stderr)
{
    private readonly List<byte[]> _pending = [];

    public int Connection { get; } = connection;

    public bool Exited { get; private set; }

    public int? ExitCode { get; private set; }

    public void Send(Response response)
    {
        var buffer = new ArrayBufferWriter<byte>();
        VarintFrame.WriteFrame(buffer, response);
        _pending.Add(buffer.WrittenSpan.ToArray());
    }

    public void SendRaw(params byte[] bytes) => _pending.Add(bytes);

    public void Stderr(string line) => stderr(line);

    public bool Stalled { get; private set; }

    /// <summary>Stops reading (after the queued output) without exiting, until killed.</summary>
    public void Stall() => Stalled = true;

    /// <summary>Stops reading and exits (after the queued output) with the given code.</summary>
    public void Exit(int code = 0)
    {
        Exited = true;
        ExitCode = code;
    }

    public async ValueTask FlushToAsync(PipeWriter output)
    {
        foreach (var bytes in _pending)
        {
            await output.WriteAsync(bytes);
        }

        _pending.Clear();
    }
}
