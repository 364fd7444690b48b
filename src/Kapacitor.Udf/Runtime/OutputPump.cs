using System.Buffers;
using System.IO.Pipelines;

namespace Kapacitor.Udf;

/// <summary>
/// Writes a pipe to a stream whose writes block (STDOUT) on a thread of its own, so that nothing else ever blocks on
/// that stream: a flush of the pipe only hands bytes over, and the sweeper can start one without waiting.
/// </summary>
/// <remarks>Back-pressure is kept: when the consumer stops reading, the pump blocks in its write, the pipe fills to
/// its pause threshold and the agent's flushes wait. When the write fails (EPIPE), the pipe's reader is completed with
/// the error, so the agent's next flush sees a closed output.</remarks>
internal static class OutputPump
{
    // Room for one flush threshold of data plus a frame being written, before a flush waits for the pump.
    private const long PauseBytes = 256 * 1024;

    /// <summary>Starts pumping into <paramref name="output"/>.</summary>
    /// <returns>The writer to give the agent, and a task that completes once everything written before the writer
    /// was completed has been written out (or the stream failed).</returns>
    public static (PipeWriter Writer, Task Drained) Start(Stream output)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PauseBytes, resumeWriterThreshold: PauseBytes / 2));
        var drained = DedicatedThread.Start("udf-output", () => PumpAsync(pipe.Reader, output));
        return (pipe.Writer, drained);
    }

    // The pipe hands data over in 4 KiB segments: gathered into writes of up to 64 KiB, one system call each.
    private const int WriteSize = 64 * 1024;

    private static async Task PumpAsync(PipeReader reader, Stream output)
    {
        var gather = new byte[WriteSize];
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                while (!buffer.IsEmpty)
                {
                    var chunk = buffer.Slice(0, Math.Min(buffer.Length, WriteSize));
                    if (chunk.IsSingleSegment)
                    {
                        output.Write(chunk.FirstSpan);
                    }
                    else
                    {
                        chunk.CopyTo(gather);
                        output.Write(gather, 0, (int)chunk.Length);
                    }

                    buffer = buffer.Slice(chunk.End);
                }

                output.Flush();
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            await reader.CompleteAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            await reader.CompleteAsync(ex);
        }
    }
}
