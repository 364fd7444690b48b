using System.Buffers;
using BenchmarkDotNet.Attributes;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Benchmarks;

/// <summary>
/// Google.Protobuf on the typical stream point: parsing the Request (from an array, and from a ReadOnlySequence as the
/// agent does with a pipe's buffer), and encoding the moving average's Response (CalculateSize + WriteTo, as
/// VarintFrame.WriteFrame does). Allocation here is per message: a parsed Point is a graph of objects and strings.
/// </summary>
[MemoryDiagnoser]
public class ProtobufBenchmarks
{
    private byte[] _request = [];
    private ReadOnlySequence<byte> _requestSequence;
    private ReadOnlySequence<byte> _requestSplit;
    private Response _response = new();
    private byte[] _buffer = [];

    [GlobalSetup]
    public void Setup()
    {
        _request = Google.Protobuf.MessageExtensions.ToByteArray(SampleData.PointRequest(42));
        _requestSequence = new ReadOnlySequence<byte>(_request);
        _requestSplit = SampleData.Segmented(_request, 64);
        _response = SampleData.AverageResponse(42);
        _buffer = new byte[1024];
    }

    [Benchmark]
    public Request ParseRequest_Array() => Request.Parser.ParseFrom(_request);

    [Benchmark]
    public Request ParseRequest_Sequence() => Request.Parser.ParseFrom(_requestSequence);

    [Benchmark]
    public Request ParseRequest_SplitSequence() => Request.Parser.ParseFrom(_requestSplit);

    [Benchmark]
    public int EncodeResponse()
    {
        var size = _response.CalculateSize();
        Google.Protobuf.MessageExtensions.WriteTo(_response, _buffer.AsSpan(0, size));
        return size + _buffer[size - 1];
    }

    [Benchmark]
    public int CalculateResponseSize() => _response.CalculateSize();
}
