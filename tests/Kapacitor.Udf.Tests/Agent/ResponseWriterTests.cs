using System.IO.Pipelines;
using Kapacitor.Udf.Agent;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Agent;

public class ResponseWriterTests
{
    [Fact]
    public async Task WriteManagementAsync_ResponseWithNoMessage_IsRefusedAndNothingIsWritten()
    {
        // Requirement 7: an empty Response panics kapacitord (#2132).
        var pipe = new Pipe();
        var writer = NewWriter(pipe);

        var write = async () => await writer.WriteManagementAsync(new Response());

        await write.Should().ThrowAsync<ArgumentException>().WithMessage("*#2132*");
        await writer.CompleteAsync("done");
        var result = await pipe.Reader.ReadAsync();
        result.Buffer.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public async Task WriteBatchAsync_SizeDisagreesWithPoints_SendsTheRealCountWithoutChangingTheCaller()
    {
        // Requirement 21: size >= 0 and the real count.
        var pipe = new Pipe();
        var writer = NewWriter(pipe);
        await writer.OpenDataGateAsync();
        var begin = new BeginBatch { Name = "cpu", Size = -5 };

        await writer.WriteBatchAsync(begin, [new Point { Time = 1 }, new Point { Time = 2 }], new EndBatch { Name = "cpu" }, default);
        await writer.CompleteAsync("done");

        var frames = await PipeResponses.ReadAsync(pipe.Reader);
        frames.Select(r => r.MessageCase).Should().Equal(
            Response.MessageOneofCase.Begin, Response.MessageOneofCase.Point, Response.MessageOneofCase.Point, Response.MessageOneofCase.End);
        frames[0].Begin.Size.Should().Be(2);
        begin.Size.Should().Be(-5);
    }

    private static ResponseWriter NewWriter(Pipe pipe) =>
        new(pipe.Writer, new UdfAgentOptions(), new InputActivity(), AgentSweeper.For(TimeProvider.System), _ => { });
}
