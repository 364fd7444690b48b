using System.Buffers;
using System.Diagnostics;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.LoadTool.Measurement;
using Kapacitor.Udf.LoadTool.Workloads;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Core;

/// <summary>
/// Output latency of a process UDF: the time from the handler's emit (the <see cref="StampUdf"/> stamp) to the answer
/// read here, for points sent at a given rate through a handler that takes a given time per point.
/// </summary>
internal static class OutputLatency
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>One run's figures: latencies in milliseconds over the points after the first tenth (JIT warm-up);
    /// points/s from the first point written to the last answer read; the UDF's whole-process CPU per point.</summary>
    public sealed record Result(string Case, int Points, double Rate, int HandlerMs, double P50, double P99, double Max, int Answered, double PointsPerSecond, double CpuMicrosPerPoint, string? Error);

    /// <summary>Sends <paramref name="points"/> points at <paramref name="rate"/> per second (0: as fast as the UDF
    /// takes them) to <paramref name="udf"/> started with <paramref name="args"/>, and times every answer.</summary>
    public static async Task<Result> RunAsync(string name, string udf, IReadOnlyList<string> args, int points, double rate, int handlerMs)
    {
        var childrenCpu = Rusage.Children();
        using var process = Start(udf, args);
        var input = process.StandardInput.BaseStream;
        var latencies = new double[points];
        var answered = 0;
        var started = 0L;
        var seconds = double.NaN;
        string? error = null;
        try
        {
            input.Write(Frames.Encode(new Request { Init = new InitRequest { TaskID = "latency", NodeID = "stamp1" } }));
            input.Flush();
            var reader = new BlockingFrameReader(process.StandardOutput.BaseStream);
            if (FirstAnswer(reader) is not { Init.Success: true })
            {
                throw new InvalidOperationException("the UDF did not answer Init with success");
            }

            started = Stopwatch.GetTimestamp();
            var reading = Task.Factory.StartNew(() => Read(reader, latencies, ref answered), TaskCreationOptions.LongRunning);
            Send(input, points, rate);
            try
            {
                await reading.WaitAsync(Patience);
                seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"only {Volatile.Read(ref answered)} of {points} answers within {Patience}");
            }

            input.Close();
            await process.WaitForExitAsync(new CancellationTokenSource(Patience).Token);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or TimeoutException or FrameException or InvalidProtocolBufferException)
        {
            error = ex.Message;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        // Reaped (WaitForExit or Kill above, then Dispose): its CPU is in the children's totals now.
        process.WaitForExit();
        var cpu = Rusage.Children() - childrenCpu;
        var got = latencies.Skip(points / 10).Take(Math.Max(0, answered - (points / 10))).ToArray();
        return new Result(name, points, rate, handlerMs, Stats.Percentile(got, 50) ?? double.NaN, Stats.Percentile(got, 99) ?? double.NaN,
            got.Length > 0 ? got.Max() : double.NaN, answered, points / seconds, cpu.TotalMicroseconds / points, error);
    }

    // Paced by the clock: every point whose time has come goes out in one write (with 1 ms sleeps, bursts of
    // rate/1000 points).
    private static void Send(Stream input, int points, double rate)
    {
        var frames = new ArrayBufferWriter<byte>();
        var start = Stopwatch.GetTimestamp();
        for (var sent = 0; sent < points;)
        {
            var due = rate <= 0 ? points : Math.Min(points, (int)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate) + 1);
            if (due == sent)
            {
                Thread.Sleep(1);
                continue;
            }

            frames.Clear();
            for (; sent < due; sent++)
            {
                VarintFrame.WriteFrame(frames, new Request
                {
                    Point = new Point { Name = "lat", Database = "db", RetentionPolicy = "rp", Time = sent, FieldsDouble = { ["value"] = sent } },
                });
            }

            input.Write(frames.WrittenSpan);
            input.Flush();
        }
    }

    // The Init answer, past any heartbeat the agent sends while a slow machine keeps the Init call running.
    private static Response? FirstAnswer(BlockingFrameReader reader)
    {
        Response? response;
        do
        {
            response = reader.ReadMessage(Response.Parser);
        }
        while (response?.MessageCase == Response.MessageOneofCase.Keepalive);

        return response;
    }

    // Blocking reads on a thread of its own: the time is taken as soon as the answer is parsed, with no wait for the
    // thread pool in between.
    private static void Read(BlockingFrameReader reader, double[] latencies, ref int answered)
    {
        while (answered < latencies.Length && reader.ReadMessage(Response.Parser) is { } response)
        {
            var now = Stopwatch.GetTimestamp();
            if (response.MessageCase == Response.MessageOneofCase.Keepalive)
            {
                // A heartbeat while calls run long: not an answer.
                continue;
            }

            if (response.MessageCase != Response.MessageOneofCase.Point)
            {
                throw new InvalidOperationException($"unexpected answer {response}");
            }

            latencies[answered] = Stopwatch.GetElapsedTime(response.Point.FieldsInt[StampUdf.Field], now).TotalMilliseconds;
            Volatile.Write(ref answered, answered + 1);
        }
    }

    private static Process Start(string udf, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo
        {
            FileName = udf.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? "dotnet" : udf,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        if (info.FileName == "dotnet")
        {
            info.ArgumentList.Add(udf);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {udf}");
    }
}
