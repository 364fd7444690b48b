using System.Globalization;
using System.Text;

namespace Kapacitor.Udf.EndToEnd.Tests;

/// <summary>
/// kapacitor-udf-sim as a user runs it (issue 13): input streamed through a pipe in bounded memory, answers while the
/// input is still open, Ctrl-C handled as Kapacitor stops a task, broken input. The moving-average example is the UDF.
/// </summary>
[Collection(ProcessCollection.Name)]
public class SimulatorCliTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(90);

    private static string MovingAverage => Examples.Process("MovingAverage").Program;

    private static List<string> Run(params string[] udf) =>
        ["run", "--group-by", "host", "--opt", "field('value')", "--opt", "size(10)", "--opt", "as('avg')", .. udf];

    private static string Line(int i) => string.Create(CultureInfo.InvariantCulture, $"cpu,host=h{i % 20} value={i % 100} {i}000000000\n");

    [Fact]
    public async Task Run_LargeInputThroughAPipe_StaysWithinAFixedPeakMemory()
    {
        // Arrange: generated while it is written, never held in memory; the old simulator read it all first and
        // peaked at about 3.7 KB per point (736 MB for 200,000 points).
        const int points = 1_000_000;
        const long bound = 150L * 1024 * 1024;
        await using var simulator = SimulatorProcess.Start(Run("--", MovingAverage));
        long peak = 0;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested && simulator.PeakResidentBytes() is { } bytes)
            {
                peak = Math.Max(peak, bytes);
                await Task.Delay(50);
            }
        });
        var writer = Task.Run(async () =>
        {
            var chunk = new StringBuilder();
            for (var i = 0; i < points; i++)
            {
                chunk.Append(Line(i));
                if (chunk.Length > 60_000)
                {
                    await simulator.WriteAsync(chunk.ToString());
                    chunk.Clear();
                }
            }

            await simulator.WriteAsync(chunk.ToString());
            simulator.Input.Close();
        });

        // Act
        var answers = 0;
        while (await simulator.ReadLineAsync(Hang) is not null)
        {
            answers++;
        }

        var exitCode = await simulator.WaitForExitAsync(Hang);
        await done.CancelAsync();
        await writer.WaitAsync(Hang);
        await sampler.WaitAsync(Hang);

        // Assert
        exitCode.Should().Be(0, string.Join('\n', simulator.StderrLines));
        answers.Should().Be(points);
        peak.Should().BePositive().And.BeLessThan(bound, "stream tasks stay under 150 MB peak RSS whatever the input size");
        var reported = simulator.StderrLines.Single(l => l.Contains("peak RSS", StringComparison.Ordinal));
        long.Parse(reported.Split("peak RSS ")[1].Split(' ')[0], CultureInfo.InvariantCulture).Should().BeLessThan(bound / (1024 * 1024), "at exit too");
    }

    [Fact]
    public async Task Run_StdoutNotRead_InputStopsInBoundedMemoryThenEveryAnswerComes()
    {
        // Arrange: nobody reads the simulator's STDOUT for now.
        const int points = 1_000_000;
        await using var simulator = SimulatorProcess.Start(Run("--", MovingAverage), readStdout: false);
        long written = 0;
        var writer = Task.Run(async () =>
        {
            var chunk = new StringBuilder();
            for (var i = 0; i < points; i++)
            {
                chunk.Append(Line(i));
                if (chunk.Length > 60_000)
                {
                    await simulator.WriteAsync(chunk.ToString());
                    Interlocked.Add(ref written, chunk.Length);
                    chunk.Clear();
                }
            }

            await simulator.WriteAsync(chunk.ToString());
            simulator.Input.Close();
        });

        // Act: wait until the input stops moving (back-pressure from STDOUT all the way back), then read everything.
        var (before, stalledFor) = (-1L, 0);
        while (stalledFor < 10)
        {
            await Task.Delay(200);
            var now = Interlocked.Read(ref written);
            (before, stalledFor) = (now, now == before ? stalledFor + 1 : 0);
            writer.IsCompleted.Should().BeFalse("the input must stop while STDOUT is not read");
        }

        var peakWhileStalled = simulator.PeakResidentBytes();
        var answers = 0;
        while (await simulator.Output.ReadLineAsync().WaitAsync(Hang) is not null)
        {
            answers++;
        }

        var exitCode = await simulator.WaitForExitAsync(Hang);
        await writer.WaitAsync(Hang);

        // Assert
        before.Should().BeLessThan(8_000_000, "only a bounded part of the input (40 MB) was taken in: the pipes and a few 64 KiB buffers");
        peakWhileStalled.Should().BeLessThan(150L * 1024 * 1024);
        exitCode.Should().Be(0, string.Join('\n', simulator.StderrLines));
        answers.Should().Be(points);
        simulator.StderrLines.Should().Contain("kapacitor-udf-sim: clean: no protocol violations", "time blocked on STDOUT is not the UDF's keepalive time");
    }

    [Fact]
    public async Task Run_LivePipe_EachAnswerArrivesBeforeTheInputEnds()
    {
        // Arrange
        await using var simulator = SimulatorProcess.Start(Run("--", MovingAverage));

        // Act
        await simulator.WriteAsync("cpu,host=a value=2 1000000000\n");
        var first = await simulator.ReadLineAsync(Hang);
        await simulator.WriteAsync("cpu,host=a value=4 2000000000\n");
        var second = await simulator.ReadLineAsync(Hang);
        simulator.Input.Close();
        var exitCode = await simulator.WaitForExitAsync(Hang);

        // Assert
        first.Should().Be("cpu,host=a avg=2 1000000000");
        second.Should().Be("cpu,host=a avg=3 2000000000");
        exitCode.Should().Be(0, string.Join('\n', simulator.StderrLines));
        simulator.StderrLines.Should().Contain("kapacitor-udf-sim: clean: no protocol violations");
    }

    [Fact]
    public async Task Run_CtrlCToTheProcessGroup_StopsTheTaskAndTheUdfSeesTheEndOfItsInputNotTheSignal()
    {
        // Arrange: the UDF, wrapped in bash, says whether SIGINT reached it and how it ended. The simulator leads its
        // own process group, as a shell's foreground job does; the terminal's Ctrl-C signals that whole group.
        await using var simulator = SimulatorProcess.Start(
            ["run", "--name", "movingAverage", "--group-by", "host", "--opt", "field('value')", "--opt", "size(10)", "--opt", "as('avg')",
             "--", "/bin/bash", "-c", "trap 'echo udf-got-SIGINT >&2' INT; \"$0\"; echo \"udf-exit=$?\" >&2", MovingAverage],
            ownProcessGroup: true);
        await simulator.WriteAsync("cpu,host=a value=1 1000000000\n");
        (await simulator.ReadLineAsync(Hang)).Should().Be("cpu,host=a avg=1 1000000000", "the task is running");

        // Act
        await simulator.SignalGroupAsync("INT");
        var exitCode = await simulator.WaitForExitAsync(Hang);

        // Assert
        var stderr = simulator.StderrLines;
        exitCode.Should().Be(0, string.Join('\n', stderr));
        stderr.Should().Contain(l => l.StartsWith("kapacitor-udf-sim: SIGINT: stopping the task as Kapacitor does", StringComparison.Ordinal));
        stderr.Should().Contain("UDF log: udf-exit=0", "the UDF ended on the end of its input");
        stderr.Should().NotContain("UDF log: udf-got-SIGINT", "the UDF runs in a session of its own");
        stderr.Should().Contain(l => l.StartsWith("kapacitor-udf-sim: sent 1 point(s); received 1 point(s)", StringComparison.Ordinal));
        stderr.Should().Contain("kapacitor-udf-sim: clean: no protocol violations");
    }

    [Fact]
    public async Task Run_SecondCtrlC_KillsAUdfThatDoesNotExitAndPrintsTheSummary()
    {
        // Arrange: on the task connection (once the flag file exists, after the Info probe) the UDF keeps its output
        // open after its input ends, as a child that outlives it would; the exit timeout is far away, so only the
        // second Ctrl-C ends the run.
        var flag = Path.Combine(Path.GetTempPath(), $"sim-hang-{Guid.NewGuid():N}");
        await using var simulator = SimulatorProcess.Start(
            ["run", "--name", "movingAverage", "--group-by", "host", "--opt", "field('value')", "--opt", "size(10)", "--exit-timeout", "10m",
             "--", "/bin/bash", "-c", "\"$0\"; [ -e \"$1\" ] || exit 0; echo udf-done >&2; exec sleep 600", MovingAverage, flag],
            ownProcessGroup: true);
        await simulator.WriteAsync("cpu,host=a value=1 1000000000\n");
        (await simulator.ReadLineAsync(Hang)).Should().NotBeNull();
        await File.WriteAllTextAsync(flag, "the task is running");
        await simulator.SignalGroupAsync("INT");
        await Eventually(() => simulator.StderrLines.Contains("UDF log: udf-done"));

        // Act
        await simulator.SignalGroupAsync("INT");
        var exitCode = await simulator.WaitForExitAsync(Hang);

        // Assert
        File.Delete(flag);
        var stderr = simulator.StderrLines;
        exitCode.Should().Be(0, string.Join('\n', stderr));
        stderr.Should().Contain("kapacitor-udf-sim: SIGINT again: killing the UDF");
        stderr.Should().Contain(l => l.Contains("exit code none (killed on request)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_BrokenLineInTheInput_ExitTwoAfterTheUdfWasStoppedCleanly()
    {
        // Arrange
        await using var simulator = SimulatorProcess.Start(Run("--", MovingAverage));

        // Act
        await simulator.WriteAsync("cpu,host=a value=1 1\ncpu,host=a value=3 2\ncpu,host=a value=x 3\ncpu,host=a value=5 4\n");
        simulator.Input.Close();
        var answers = new List<string>();
        while (await simulator.ReadLineAsync(Hang) is { } line)
        {
            answers.Add(line);
        }

        var exitCode = await simulator.WaitForExitAsync(Hang);

        // Assert
        var stderr = simulator.StderrLines;
        exitCode.Should().Be(2, string.Join('\n', stderr));
        answers.Should().Equal("cpu,host=a avg=1 1", "cpu,host=a avg=2 2");
        stderr.Should().Contain(l => l.StartsWith("kapacitor-udf-sim: task: InputFailed: input: line 3, column 18: ", StringComparison.Ordinal));
        stderr.Should().Contain(l => l.StartsWith("kapacitor-udf-sim: the input is broken, so the task was stopped after 2 point(s)", StringComparison.Ordinal));
        stderr.Should().Contain(l => l.EndsWith("exit code 0", StringComparison.Ordinal), "the UDF was stopped cleanly");
    }

    [Fact]
    public async Task Run_StderrOnATerminal_ShowsTheProgressLineAndClearsItForTheSummary()
    {
        // Arrange: script (util-linux) gives the simulator a terminal; STDOUT goes to a file, as in `sim run ... > out.lp`.
        var directory = Directory.CreateTempSubdirectory("sim-progress-").FullName;
        var input = Path.Combine(directory, "in.lp");
        await File.WriteAllTextAsync(input, string.Concat(Enumerable.Range(0, 20_000).Select(Line)));
        var simulator = Path.Combine(AppContext.BaseDirectory, "Kapacitor.Udf.Simulator");
        var command = $"'{simulator}' run --input '{input}' --group-by host --opt \"field('value')\" --opt \"size(10)\" -- '{MovingAverage}' > '{directory}/out.lp'";
        using var script = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("script", ["-qec", command, "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;

        // Act
        var terminal = await script.StandardOutput.ReadToEndAsync().WaitAsync(Hang);
        await script.WaitForExitAsync().WaitAsync(Hang);

        // Assert
        try
        {
            script.ExitCode.Should().Be(0, terminal);
            terminal.Should().MatchRegex("sent [0-9,]+ points, answered [0-9,]+, [0-9,]+ points/s, 00:00:[0-9]{2}");
            terminal.Should().Contain("\u001b[2K", "the line is cleared before the summary");
            terminal.Should().Contain("kapacitor-udf-sim: clean: no protocol violations");
            File.ReadLines(Path.Combine(directory, "out.lp")).Should().HaveCount(20_000, "the answers go to STDOUT, untouched by the progress line");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Hang;
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline);
            await Task.Delay(50);
        }
    }
}
