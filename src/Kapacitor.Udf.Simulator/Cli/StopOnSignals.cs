using System.Runtime.InteropServices;
using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.Simulator.Cli;

// Ctrl-C (SIGINT) and SIGTERM stop the task the way Kapacitor stops one (no more input, the UDF's input closed, its
// exit awaited within the exit timeout), then the summary is printed as after any run. A second signal kills the UDF.
// The UDF itself runs in its own session (ProcessUdfTarget.StartInNewSession), so the terminal's Ctrl-C reaches only
// the simulator.
internal sealed class StopOnSignals : IDisposable
{
    private readonly SimulationControl _control;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _signals;

    public StopOnSignals(SimulationControl control)
    {
        _control = control;
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Handled here: the process ends when the run has, after the summary.
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) == 1)
        {
            Diagnostics.Note($"{context.Signal}: stopping the task as Kapacitor does: no more input, the UDF's input is closed and it gets the exit timeout to finish (signal again to kill it)");
            _control.Stop();
        }
        else
        {
            Diagnostics.Note($"{context.Signal} again: killing the UDF");
            _control.Kill();
        }
    }
}
