using System.IO.Pipelines;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Support;

/// <summary>Reads an agent's output from a pipe the way Kapacitor does: frame by frame, every frame parsed.</summary>
internal static class PipeResponses
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    /// <summary>Reads responses until <paramref name="enough"/> holds for those read so far, or the output ends;
    /// a partial frame left at the end throws (the agent must never cut a frame short).</summary>
    public static async Task<List<Response>> ReadAsync(PipeReader reader, Func<List<Response>, bool>? enough = null)
    {
        var responses = new List<Response>();
        using var hangGuard = new CancellationTokenSource(HangGuard);
        if (enough?.Invoke(responses) == true)
        {
            return responses;
        }

        // Leaving the loop early leaves the frames not yet read in the pipe, for the next read.
        await foreach (var response in new FrameReader(reader).ReadMessagesAsync(Response.Parser, hangGuard.Token))
        {
            responses.Add(response);
            if (enough?.Invoke(responses) == true)
            {
                break;
            }

            hangGuard.CancelAfter(HangGuard);
        }

        return responses;
    }

    /// <summary>Whether the last response read is the ErrorResponse (the agent's last frame on failure).</summary>
    public static bool EndsWithError(List<Response> responses) =>
        responses.Count > 0 && responses[^1].MessageCase == Response.MessageOneofCase.Error;
}
