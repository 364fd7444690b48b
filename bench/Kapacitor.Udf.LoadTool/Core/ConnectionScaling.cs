using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.LoadTool.Measurement;
using Kapacitor.Udf.LoadTool.Workloads;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Core;

/// <summary>
/// A socket UDF server holding N idle task connections: each connection sends Info, Init and one point, reads the
/// three answers, and stays open. Threads and RSS of the server are read from /proc right after the last answer and
/// again after a settling time, at each N, and once more after every connection has closed.
/// </summary>
internal static class ConnectionScaling
{
    private const int InFlight = 32;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>One measurement: the server's threads, VmRSS and open descriptors with <paramref name="Connections"/> open.</summary>
    public sealed record Row(string When, int Connections, int Threads, double RssMb, double AnonMb, int Descriptors, double OpenSeconds);

    public static async Task<List<Row>> RunAsync(string exe, IReadOnlyList<string> serverArgs, IReadOnlyDictionary<string, string> environment, IReadOnlyList<int> counts, TimeSpan settle, TextWriter progress)
    {
        var directory = Directory.CreateTempSubdirectory("kudf-conn");
        var socket = Path.Combine(directory.FullName, "udf.sock");
        using var server = Start(exe, serverArgs.Select(a => a.Replace("{socket}", socket, StringComparison.Ordinal)), environment);
        var open = new List<Socket>();
        var rows = new List<Row>();
        try
        {
            await WaitForAsync(() => File.Exists(socket) || server.HasExited, "the socket file");
            if (server.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {server.ExitCode} before listening");
            }

            await Task.Delay(settle);
            rows.Add(Measure("idle", server, 0, 0));
            foreach (var count in counts.Where(c => c > 0).Order())
            {
                var started = Stopwatch.GetTimestamp();
                await OpenAsync(socket, open, count - open.Count);
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                rows.Add(Measure("answered", server, open.Count, seconds));
                progress.WriteLine($"connections: {open.Count} open and answered in {seconds:0.0} s; settling {settle.TotalSeconds:0} s");
                await Task.Delay(settle);
                rows.Add(Measure("settled", server, open.Count, seconds));
            }

            await CloseAsync(open);
            await Task.Delay(settle);
            rows.Add(Measure("all closed", server, 0, 0));
            return rows;
        }
        finally
        {
            foreach (var s in open)
            {
                s.Dispose();
            }

            server.Kill();
            server.WaitForExit(5000);
            directory.Delete(recursive: true);
        }
    }

    private static Row Measure(string when, Process server, int connections, double seconds)
    {
        var sample = ProcFs.TryRead(server.Id) ?? throw new InvalidOperationException("the server is gone");
        var descriptors = Directory.GetFiles($"/proc/{server.Id}/fd").Length;
        return new Row(when, connections, sample.Threads ?? -1, (sample.RssBytes ?? 0) / 1e6, (sample.RssAnonBytes ?? 0) / 1e6, descriptors, seconds);
    }

    // Opens and serves `count` more connections, InFlight at a time; every answer is checked.
    private static async Task OpenAsync(string path, List<Socket> open, int count)
    {
        using var slots = new SemaphoreSlim(InFlight);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await slots.WaitAsync();
            try
            {
                return await ServeOneAsync(path, i);
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        open.AddRange(await Task.WhenAll(tasks));
    }

    private static async Task<Socket> ServeOneAsync(string path, int n)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token);
        var stream = new NetworkStream(socket, ownsSocket: false);
        // Small reads: thousands of connections are open at once. Left open: the socket stays connected afterwards.
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 512, minimumReadSize: 256, leaveOpen: true));
        var frames = new FrameReader(input);
        Request[] requests =
        [
            new() { Info = new InfoRequest() },
            new() { Init = new InitRequest { TaskID = $"task{n}", NodeID = "mirror2" } },
            new() { Point = new Point { Name = "cpu", Database = "db", RetentionPolicy = "rp", Time = n, FieldsDouble = { ["value"] = n } } },
        ];
        try
        {
            foreach (var request in requests)
            {
                await AskAsync(stream, frames, request, n, timeout.Token);
            }
        }
        finally
        {
            // Returns the read buffer; the socket stays open.
            await input.CompleteAsync();
        }

        return socket;
    }

    private static async Task AskAsync(Stream stream, FrameReader frames, Request request, int n, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Frames.Encode(request), cancellationToken);
        var answer = await frames.ReadMessageAsync(Response.Parser, cancellationToken);
        var expected = request.MessageCase switch
        {
            Request.MessageOneofCase.Info => Response.MessageOneofCase.Info,
            Request.MessageOneofCase.Init => Response.MessageOneofCase.Init,
            _ => Response.MessageOneofCase.Point,
        };
        if (answer?.MessageCase != expected || (answer.Init is { } init && !init.Success))
        {
            throw new InvalidOperationException($"connection {n}: expected {expected}, got {answer?.ToString() ?? "EOF"}");
        }
    }

    // As Kapacitor ends a task: half-close, read to EOF, close.
    private static async Task CloseAsync(List<Socket> open)
    {
        using var slots = new SemaphoreSlim(InFlight * 4);
        await Task.WhenAll(open.Select(async socket =>
        {
            await slots.WaitAsync();
            try
            {
                socket.Shutdown(SocketShutdown.Send);
                var buffer = new byte[256];
                using var timeout = new CancellationTokenSource(Patience);
                while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
                {
                }
            }
            finally
            {
                socket.Dispose();
                slots.Release();
            }
        }));
        open.Clear();
    }

    private static Process Start(string exe, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo
        {
            FileName = exe.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? "dotnet" : exe,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (info.FileName == "dotnet")
        {
            info.ArgumentList.Add(exe);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {exe}");
        // Drained and dropped: the server logs a line per connection.
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Patience.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"waited {Patience} for {what}");
            }

            await Task.Delay(50);
        }
    }
}
