using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Testing;

/// <summary>What a UDF emitted, sorted out: stream points, whole batches, and the error if it failed.</summary>
public sealed class UdfTestOutput
{
    internal UdfTestOutput(IReadOnlyList<Response> responses, UdfAgentResult? result)
    {
        Responses = responses;
        Result = result;
        var points = new List<Point>();
        var batches = new List<Batch>();
        BeginBatch? begin = null;
        var batchPoints = new List<Point>();
        foreach (var response in responses)
        {
            switch (response.MessageCase)
            {
                case Response.MessageOneofCase.Begin:
                    begin = response.Begin;
                    batchPoints = [];
                    break;
                case Response.MessageOneofCase.Point when begin is not null:
                    batchPoints.Add(response.Point);
                    break;
                case Response.MessageOneofCase.Point:
                    points.Add(response.Point);
                    break;
                case Response.MessageOneofCase.End when begin is not null:
                    batches.Add(new Batch(begin, batchPoints, response.End));
                    begin = null;
                    break;
                case Response.MessageOneofCase.Error:
                    Error ??= response.Error.Error;
                    break;
            }
        }

        Points = points;
        Batches = batches;
    }

    /// <summary>Every response read, in order: data, errors, and heartbeat keepalives.</summary>
    public IReadOnlyList<Response> Responses { get; }

    /// <summary>The stream points emitted, in order.</summary>
    public IReadOnlyList<Point> Points { get; }

    /// <summary>The batches emitted, each as its Begin, points and End.</summary>
    public IReadOnlyList<Batch> Batches { get; }

    /// <summary>The ErrorResponse text if the UDF failed, else <see langword="null"/>.</summary>
    public string? Error { get; }

    /// <summary>How the agent's run ended, when the output was read to its end (<see cref="UdfTestHarness.EndInputAsync"/>).</summary>
    public UdfAgentResult? Result { get; }
}
