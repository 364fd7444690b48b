using System.Buffers;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Benchmarks;

/// <summary>
/// The agent's own codec for the hot messages against Google.Protobuf on the same bytes (ProtobufBenchmarks): decoding
/// the stream point Request into a reused Request, as the agent does for borrowed points, and writing the moving
/// average's Response{point} frame into a reused buffer, as the writer does under its lock.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private readonly DataFrameDecoder _decoder = new();
    private readonly DataFrameEncoder _encoder = new();
    private readonly Request _reused = new();
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private byte[] _request = [];
    private Point _answer = new();

    [GlobalSetup]
    public void Setup()
    {
        _request = SampleData.PointRequest(42).ToByteArray();
        _answer = SampleData.AverageResponse(42).Point;
        if (_decoder.TryDecode(_request, _reused) != DecodeStatus.Decoded || !_reused.Equals(Request.Parser.ParseFrom(_request)))
        {
            throw new InvalidOperationException("the codec does not decode the sample point as Google.Protobuf does");
        }
    }

    /// <summary>Decode into the same Request every time (strings interned after the first call).</summary>
    [Benchmark]
    public bool DecodePoint_Reused() => _decoder.TryDecode(_request, _reused) == DecodeStatus.Decoded;

    /// <summary>Decode into a new Request: what an owned point costs.</summary>
    [Benchmark]
    public bool DecodePoint_New() => _decoder.TryDecode(_request, new Request()) == DecodeStatus.Decoded;

    /// <summary>One Response{point} frame, length prefix included.</summary>
    [Benchmark]
    public int EncodePointFrame()
    {
        _output.ResetWrittenCount();
        return _encoder.TryWritePoint(_output, _answer);
    }
}
