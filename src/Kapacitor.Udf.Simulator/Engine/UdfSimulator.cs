using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Input;
using Kapacitor.Udf.Simulator.LineProtocol;
using Kapacitor.Udf.TickScript;

namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>
/// Plays Kapacitor's side of the UDF protocol against any UDF, the way kapacitord does: the Info probe at startup,
/// the define-time option check, then a task connection with Init, optional Restore, data, optional Snapshot,
/// keepalives throughout, and an orderly close. Every protocol violation is detected and reported in the result.
/// </summary>
/// <example>
/// <code>
/// var simulator = new UdfSimulator(new SimulatorOptions
/// {
///     UdfName = "movingAvg",
///     Options = ["field('value')", "size(10)", "as('mean')"],
///     GroupBy = ["group"],
/// });
/// var result = await simulator.RunAsync(new ProcessUdfTarget("./moving-avg", []), "test,group=a value=1 0", ct);
/// result.IsClean.Should().BeTrue();
/// </code>
/// </example>
public sealed partial class UdfSimulator
{
    private readonly PointGrouper _grouper;

    /// <summary>Creates a simulator.</summary>
    /// <param name="options">How to drive the UDF; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The timeout is not above 1 ms (Kapacitor refuses it too), a batch period is
    /// not positive, or the group-by dimensions are invalid.</exception>
    public UdfSimulator(SimulatorOptions? options = null)
    {
        Options = options ?? new SimulatorOptions();
        if (Options.Timeout <= TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentException($"timeout is too small: {Options.Timeout}", nameof(options));
        }

        if (Options.BatchPeriod is { } period && period <= TimeSpan.Zero)
        {
            throw new ArgumentException($"the batch period must be positive, got {period}", nameof(options));
        }

        _grouper = new PointGrouper(Options.GroupBy, Options.ByMeasurement, Options.Database, Options.RetentionPolicy);
    }

    /// <summary>The options this simulator runs with.</summary>
    public SimulatorOptions Options { get; }

    /// <summary>
    /// The Info probe, as at kapacitord startup: open, InfoRequest, wait for the InfoResponse, close the input, wait for
    /// the UDF to end its output and exit. Keepalives run meanwhile, as they do in Kapacitor.
    /// </summary>
    /// <param name="target">The UDF.</param>
    /// <param name="cancellationToken">Kills the UDF and abandons the probe.</param>
    /// <returns>What the probe found.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ProbeResult> ProbeAsync(IUdfTarget target, CancellationToken cancellationToken = default)
    {
        var log = new ViolationLog(Options.ViolationDetected);
        return await ProbeAsync(target, log, control: null, cancellationToken);
    }

    /// <summary>
    /// Checks the configured options and edge type against an Info, as <c>kapacitor define</c> would.
    /// </summary>
    /// <param name="info">The UDF's Info.</param>
    /// <returns>The options the InitRequest will carry.</returns>
    /// <exception cref="TaskDefineException">An option call is not valid TICKscript, or an option or the edge type does not
    /// match; the message is Kapacitor's text.</exception>
    public IReadOnlyList<Option> Define(InfoResponse info) => Define(info, batchInput: false);

    private IReadOnlyList<Option> Define(InfoResponse info, bool batchInput)
    {
        ArgumentNullException.ThrowIfNull(info);
        var batch = batchInput || Options.BatchPeriod is not null;
        if (info.Wants == EdgeType.Batch && !batch)
        {
            throw new TaskDefineException(
                $"cannot add child mismatched edges: stream -> {Options.UdfName}:batch (the UDF wants BATCH; give a batch period so windows of points are sent, or a batch recording)");
        }

        if (info.Wants == EdgeType.Stream && batch)
        {
            throw new TaskDefineException(batchInput
                ? $"cannot add child mismatched edges: batch -> {Options.UdfName}:stream (the UDF wants STREAM; a batch recording feeds batches)"
                : $"cannot add child mismatched edges: batch -> {Options.UdfName}:stream (the UDF wants STREAM; drop the batch period)");
        }

        IReadOnlyList<OptionCall> calls;
        try
        {
            calls = OptionCall.ParseAll(Options.Options);
        }
        catch (FormatException ex)
        {
            throw new TaskDefineException(ex.Message, ex);
        }

        return TickOptionBinder.Bind(calls, info, static message => new TaskDefineException(message));
    }

    /// <summary>Probes the UDF, defines the task against its Info, then runs the task with <paramref name="input"/>.</summary>
    /// <param name="target">The UDF.</param>
    /// <param name="input">What the task feeds the UDF, read as the task runs; disposed by the caller.</param>
    /// <param name="control">Watches the run and stops it early (Ctrl-C); optional.</param>
    /// <param name="cancellationToken">Kills the UDF and abandons the run.</param>
    /// <returns>Everything that happened. When the probe fails fatally, the task is not run.</returns>
    /// <exception cref="ArgumentException">A batch recording was given together with a batch period.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SimulationResult> RunAsync(IUdfTarget target, SimulatorInput input, SimulationControl? control = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        CheckInput(input);
        var log = new ViolationLog(Options.ViolationDetected);
        var probe = await ProbeAsync(target, log, control, cancellationToken);
        if (probe.Info is null || probe.Violations.Any(v => v.IsFatal) || control?.IsStopRequested == true)
        {
            return new SimulationResult
            {
                Probe = probe,
                Info = probe.Info,
                Violations = log.Violations,
                ViolationCount = log.Count,
                Stopped = control?.IsStopRequested == true,
                Killed = control?.IsKillRequested == true,
            };
        }

        return await RunTaskAsync(target, probe.Info, input, probe, log, control, cancellationToken);
    }

    /// <summary>Probes the UDF, defines the task against its Info, then runs the task with <paramref name="points"/>.</summary>
    /// <param name="target">The UDF.</param>
    /// <param name="points">Raw points (name, tags, fields, time), e.g. from <see cref="LineProtocolReader"/>; enumerated lazily.</param>
    /// <param name="cancellationToken">Kills the UDF and abandons the run.</param>
    /// <returns>Everything that happened. When the probe fails fatally, the task is not run.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SimulationResult> RunAsync(IUdfTarget target, IEnumerable<Point> points, CancellationToken cancellationToken = default)
    {
        using var input = SimulatorInput.FromPoints(points);
        return await RunAsync(target, input, control: null, cancellationToken);
    }

    /// <summary>Like <see cref="RunAsync(IUdfTarget, IEnumerable{Point}, CancellationToken)"/>, with line protocol input.</summary>
    /// <param name="target">The UDF.</param>
    /// <param name="lineProtocol">The input points; lines without a timestamp get <see cref="TimestampDefaults.Default"/>.</param>
    /// <param name="cancellationToken">Kills the UDF and abandons the run.</param>
    /// <returns>Everything that happened.</returns>
    /// <exception cref="LineProtocolException">The input is malformed (nothing is started).</exception>
    public Task<SimulationResult> RunAsync(IUdfTarget target, string lineProtocol, CancellationToken cancellationToken = default) =>
        RunAsync(target, LineProtocolReader.Parse(lineProtocol), cancellationToken);

    /// <summary>Defines and runs the task against a known Info, without a probe (Kapacitor caches the Info from startup).</summary>
    /// <param name="target">The UDF.</param>
    /// <param name="info">The Info to define the task against.</param>
    /// <param name="input">What the task feeds the UDF; disposed by the caller.</param>
    /// <param name="control">Watches the run and stops it early; optional.</param>
    /// <param name="cancellationToken">Kills the UDF and abandons the run.</param>
    /// <returns>Everything that happened.</returns>
    /// <exception cref="ArgumentException">A batch recording was given together with a batch period.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SimulationResult> RunTaskAsync(IUdfTarget target, InfoResponse info, SimulatorInput input, SimulationControl? control = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(info);
        CheckInput(input);
        return RunTaskAsync(target, info, input, probe: null, new ViolationLog(Options.ViolationDetected), control, cancellationToken);
    }

    private void CheckInput(SimulatorInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.IsBatches && Options.BatchPeriod is not null)
        {
            throw new ArgumentException("a batch recording carries its own batches: drop the batch period", nameof(input));
        }
    }

    private async Task<ProbeResult> ProbeAsync(IUdfTarget target, ViolationLog log, SimulationControl? control, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var checker = new ResponseChecker(SimulationPhase.Probe, provides: null, restoreExpected: false, keep: true);
        var session = await UdfSession.StartAsync(target, Options, SimulationPhase.Probe, checker, log, responseReceived: null, control, cancellationToken);
        if (session is null)
        {
            return new ProbeResult { Violations = log.Violations };
        }

        await using (session)
        {
            var answer = checker.ExpectInfo();
            InfoResponse? info = null;
            if (await session.SendAsync(new Request { Info = new InfoRequest() }))
            {
                info = await session.WaitForAsync(answer, "Info");
            }

            var exitCode = await session.CloseAndWaitForExitAsync();
            cancellationToken.ThrowIfCancellationRequested();
            return new ProbeResult
            {
                Info = info,
                Responses = checker.Responses,
                Violations = log.Violations,
                ExitCode = exitCode,
                StderrLines = session.StderrLines,
                KeepalivesSent = session.KeepalivesSent,
            };
        }
    }
}
