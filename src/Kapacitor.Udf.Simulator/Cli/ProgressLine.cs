using System.Diagnostics;
using System.Globalization;
using Kapacitor.Udf.Simulator.Engine;
using Spectre.Console;

namespace Kapacitor.Udf.Simulator.Cli;

// The live progress line on STDERR, only when STDERR is an interactive terminal and STDOUT is not (on the terminal the
// answers themselves show the progress, and would be written into the line): points sent and answered, the rate over
// the last second and the elapsed time, redrawn four times a second below the log lines (Spectre.Console's live
// display, which writes every other STDERR line above it). Cleared at the end, before the summary.
internal sealed class ProgressLine : IAsyncDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);

    private readonly IAnsiConsole _console;
    private readonly SimulationControl _control;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly CancellationTokenSource _done = new();
    private readonly Task _display;
    private (TimeSpan At, long Sent) _rateBase;
    private double _rate;

    private ProgressLine(IAnsiConsole console, SimulationControl control)
    {
        _console = console;
        _control = control;
        _display = console.Live(new Text(string.Empty)).AutoClear(true).StartAsync(RunAsync);
    }

    // Null when STDERR is not a terminal that can redraw a line, or STDOUT is the terminal too.
    public static ProgressLine? StartOnTerminal(SimulationControl control)
    {
        if (Console.IsErrorRedirected || !Console.IsOutputRedirected)
        {
            return null;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Profile.Capabilities is { Ansi: true, Interactive: true } ? new ProgressLine(console, control) : null;
    }

    // Writes one line above the progress line (every STDERR line goes through here while it is shown).
    public void WriteLine(string line) => _console.WriteLine(line, Style.Plain);

    public async ValueTask DisposeAsync()
    {
        await _done.CancelAsync();
        await _display;
        _done.Dispose();
    }

    private async Task RunAsync(LiveDisplayContext context)
    {
        while (!_done.IsCancellationRequested)
        {
            lock (Diagnostics.Gate)
            {
                context.UpdateTarget(new Text(Describe(), new Style(Color.Grey)));
            }

            try
            {
                await Task.Delay(Refresh, _done.Token);
            }
            catch (OperationCanceledException)
            {
                // Done.
            }
        }
    }

    private string Describe()
    {
        var now = _elapsed.Elapsed;
        var sent = _control.PointsSent;
        if (now - _rateBase.At >= TimeSpan.FromSeconds(1))
        {
            _rate = (sent - _rateBase.Sent) / (now - _rateBase.At).TotalSeconds;
            _rateBase = (now, sent);
        }

        var stopping = _control.IsStopRequested ? " (stopping)" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"sent {sent:N0} points, answered {_control.PointsReceived:N0}, {_rate:N0} points/s, {now:hh\\:mm\\:ss}{stopping}");
    }
}
