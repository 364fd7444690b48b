using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Benchmarks;

/// <summary>
/// <see cref="VarintFrame.WriteFrame(IBufferWriter{byte}, Google.Protobuf.IMessage)"/> as the agent's ResponseWriter
/// uses it: a moving-average answer (Response{point}) framed into a reused buffer writer, or into a Pipe that a reader
/// drains after each flush. Per frame. Includes Google.Protobuf's CalculateSize and WriteTo; the raw-payload variant
/// isolates the framing itself.
/// </summary>
[MemoryDiagnoser]
public class FramingWriteBenchmarks
{
    private const int FrameCount = 1000;

    private Response[] _responses = [];
    private byte[] _payload = [];
    private ArrayBufferWriter<byte> _writer = new();
    private Pipe _pipe = new();

    [GlobalSetup]
    public void Setup()
    {
        // Distinct messages (times and values differ), as in a real stream.
        _responses = Enumerable.Range(0, FrameCount).Select(SampleData.AverageResponse).ToArray();
        _payload = Google.Protobuf.MessageExtensions.ToByteArray(_responses[0]);
        _writer = new ArrayBufferWriter<byte>(FrameCount * 256);
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20, useSynchronizationContext: false));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = FrameCount)]
    public int Message_ArrayBufferWriter()
    {
        _writer.ResetWrittenCount();
        for (var i = 0; i < _responses.Length; i++)
        {
            VarintFrame.WriteFrame(_writer, _responses[i]);
        }

        return _writer.WrittenCount;
    }

    [Benchmark(OperationsPerInvoke = FrameCount)]
    public int Payload_ArrayBufferWriter()
    {
        _writer.ResetWrittenCount();
        for (var i = 0; i < FrameCount; i++)
        {
            VarintFrame.WriteFrame(_writer, _payload);
        }

        return _writer.WrittenCount;
    }

    [Benchmark(OperationsPerInvoke = FrameCount)]
    public long Message_Pipe()
    {
        var writer = _pipe.Writer;
        for (var i = 0; i < _responses.Length; i++)
        {
            VarintFrame.WriteFrame(writer, _responses[i]);
        }

        var flush = writer.FlushAsync();
        if (!flush.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("the pipe applied back-pressure; raise its threshold");
        }

        if (!_pipe.Reader.TryRead(out var read))
        {
            throw new InvalidOperationException("nothing to read");
        }

        var length = read.Buffer.Length;
        _pipe.Reader.AdvanceTo(read.Buffer.End);
        return length;
    }
}
