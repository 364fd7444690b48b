using System.IO.Pipelines;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// Asks a handler for its Info the way Kapacitor's startup probe does (Info, then end of input), through a real agent
/// over in-memory pipes: what <c>--describe</c> prints is exactly what Kapacitor would read.
/// </summary>
internal static class UdfInfoProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The handler's InfoResponse.</summary>
    /// <exception cref="InvalidOperationException">The agent answered with an error, or not at all.</exception>
    /// <exception cref="FrameException">The agent's output ended inside a frame.</exception>
    public static async Task<InfoResponse> InMemoryAsync(Func<UdfHandlerContext, IUdfHandler> handlerFactory)
    {
        var input = new Pipe();
        var output = new Pipe();
        var agent = new UdfAgent(input.Reader, output.Writer, handlerFactory);
        var run = agent.RunAsync();

        VarintFrame.WriteFrame(input.Writer, new Request { Info = new InfoRequest() });
        await input.Writer.CompleteAsync();
        var answer = await new FrameReader(output.Reader).ReadMessageAsync(Response.Parser).AsTask().WaitAsync(Timeout);
        await run.WaitAsync(Timeout);
        return answer?.MessageCase switch
        {
            Response.MessageOneofCase.Info => answer.Info,
            Response.MessageOneofCase.Error => throw new InvalidOperationException(answer.Error.Error),
            _ => throw new InvalidOperationException("the UDF ended without answering Info"),
        };
    }
}
