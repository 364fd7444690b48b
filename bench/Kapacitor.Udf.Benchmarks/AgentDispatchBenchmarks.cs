using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Kapacitor.Udf;
using Kapacitor.Udf.Framing;

namespace Kapacitor.Udf.Benchmarks;

/// <summary>
/// The whole agent in-process: a real <see cref="UdfAgent"/> (reader, worker and monitor threads, ResponseWriter and
/// its flush policy) over in-memory <see cref="Pipe"/>s, with an echo or a moving-average handler. Each invocation
/// starts an agent, sends Init and N points in 64 KiB writes, ends the input, reads all N+1 responses (checking the
/// count) and waits for the agent to finish. Reported per point; "Allocated" counts every thread's allocations
/// (GC.GetTotalAllocatedBytes), so it is the agent's bytes allocated per point (plus the agent's start, amortized).
/// </summary>
[MemoryDiagnoser]
public class AgentDispatchBenchmarks
{
    private const int PointCount = 100_000;
    private const int WriteSize = 64 * 1024;

    private byte[] _input = [];

    public enum HandlerKind
    {
        Echo,
        MovingAverage,
    }

    [Params(HandlerKind.Echo, HandlerKind.MovingAverage)]
    public HandlerKind Handler { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var init = SampleData.Frames(1, _ => SampleData.MovingAverageInit());
        var points = SampleData.Frames(PointCount, SampleData.PointRequest);
        _input = [.. init, .. points];
    }

    [Benchmark(OperationsPerInvoke = PointCount)]
    public async Task<long> PointsThroughAgent()
    {
        var input = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
        Func<UdfHandlerContext, IUdfHandler> factory = Handler == HandlerKind.Echo
            ? context => new EchoHandler(context)
            : context => new MovingAverageHandler(context);
        var agent = new UdfAgent(input.Reader, output.Writer, factory);
        var run = agent.RunAsync();
        var drain = Task.Run(() => CountFramesAsync(output.Reader));

        for (var offset = 0; offset < _input.Length; offset += WriteSize)
        {
            await input.Writer.WriteAsync(_input.AsMemory(offset, Math.Min(WriteSize, _input.Length - offset)));
        }

        await input.Writer.CompleteAsync();
        var frames = await drain;
        var result = await run;
        if (!result.Succeeded || frames != PointCount + 1)
        {
            throw new InvalidOperationException($"the agent answered {frames} frames, error: {result.Error}");
        }

        return frames;
    }

    private static async Task<long> CountFramesAsync(PipeReader reader)
    {
        long frames = 0;
        var output = new FrameReader(reader);
        while (await output.ReadAsync())
        {
            while (output.TryReadFrame(out _))
            {
                frames++;
            }
        }

        await reader.CompleteAsync();
        return frames;
    }
}
