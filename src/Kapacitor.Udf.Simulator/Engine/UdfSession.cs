using System.Threading.Channels;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Input;

namespace Kapacitor.Udf.Simulator.Engine;

// One connection to a UDF, run the way Kapacitor's udf.Server runs it: one writer for every request in one total
// order, a reader consuming responses concurrently, a keepalive sender every timeout/2 and a watchdog that aborts
// when no response of any kind arrived within the timeout [udf/server.go]. The driver (UdfSimulator) sends requests
// and waits for answers; this class owns the loops, the abort and the shutdown.
internal sealed partial class UdfSession : IAsyncDisposable
{
    // Every STDERR line is passed on; only the first ones are kept for the result.
    private const int MaxKeptStderrLines = 10_000;

    private readonly OutgoingFrames _outgoing = new();
    private readonly IUdfConnection _connection;
    private readonly SimulatorOptions _options;
    private readonly SimulationPhase _phase;
    private readonly ResponseChecker _checker;
    private readonly ViolationLog _log;
    private readonly Action<Response>? _responseReceived;
    private readonly SimulationControl? _control;
    private readonly List<string> _stderr;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborting = new();
    private readonly CancellationTokenSource _killed = new();
    private readonly CancellationTokenSource _feed;
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _runCancellation;
    private readonly CancellationTokenRegistration _controlKill;
    private long _lastResponseTimestamp;
    private long _busyTimestampTicks;
    private byte[] _scratch = [];
    private long _lastResponseUnixNanoseconds;
    private int _keepalivesSent;
    private int _abortStarted;
    private volatile bool _readerBusy;
    private volatile bool _inputClosing;
    private volatile bool _killedByUs;
    private Task _writer = Task.CompletedTask;
    private volatile bool _writeEndedBlocked;
    private Task _reader = Task.CompletedTask;
    private Task _keepalive = Task.CompletedTask;
    private Task _watchdog = Task.CompletedTask;

    private UdfSession(IUdfConnection connection, SimulatorOptions options, SimulationPhase phase, ResponseChecker checker,
        ViolationLog log, Action<Response>? responseReceived, SimulationControl? control, List<string> stderr, CancellationToken cancellationToken)
    {
        _connection = connection;
        _options = options;
        _phase = phase;
        _checker = checker;
        _log = log;
        _responseReceived = responseReceived;
        _control = control;
        _stderr = stderr;
        _feed = CancellationTokenSource.CreateLinkedTokenSource(_aborting.Token, cancellationToken);
        _runCancellation = cancellationToken.Register(Kill);
        _controlKill = control?.KillToken.Register(Kill) ?? default;
        IdleAsync = async () => await FlushAsync();
    }

    public ResponseChecker Checker => _checker;

    public int KeepalivesSent => Volatile.Read(ref _keepalivesSent);

    public bool IsAborted => _aborting.IsCancellationRequested;

    // Whether the UDF was killed (on a timeout, on request, or on cancellation).
    public bool WasKilled => _killedByUs;

    // For the input: sends what is built so far before the input waits for more.
    public Func<ValueTask> IdleAsync { get; }

    public IReadOnlyList<string> StderrLines
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToArray();
            }
        }
    }

    // Opens the connection and starts the loops; null (with a ConnectFailed violation) when the UDF can't be reached.
    public static async Task<UdfSession?> StartAsync(IUdfTarget target, SimulatorOptions options, SimulationPhase phase,
        ResponseChecker checker, ViolationLog log, Action<Response>? responseReceived, SimulationControl? control, CancellationToken cancellationToken)
    {
        var stderr = new List<string>();
        IUdfConnection connection;
        try
        {
            connection = await target.OpenAsync(line => OnStderr(stderr, options.StderrLine, line), cancellationToken);
        }
        catch (IOException ex)
        {
            log.Report(new Violation(ViolationKind.ConnectFailed, phase, ex.Message, IsFatal: true));
            return null;
        }

        var session = new UdfSession(connection, options, phase, checker, log, responseReceived, control, stderr, cancellationToken);
        session.Start();
        return session;
    }

    // Queues a request behind everything queued before it and sends it with them (Init, Restore, Snapshot: the
    // driver waits for their answers). False once the run is aborted (stop feeding input).
    public ValueTask<bool> SendAsync(Request request)
    {
        _outgoing.Append(request);
        return FlushAsync();
    }

    // Queues a data request; it goes out with the next full chunk of frames, or at the next flush.
    public ValueTask<bool> WriteAsync(Request request) =>
        _outgoing.Append(request) ? FlushAsync() : ValueTask.FromResult(!IsAborted && !_inputClosing);

    // Queues a stream point encoded straight from its line (see RawPointEncoder); true when the chunk is full and
    // should be sent (FlushAsync).
    public bool Append(RawPoint point, RawPointEncoder encoder) => _outgoing.Append(point, encoder);

    // Sends every request queued so far.
    public async ValueTask<bool> FlushAsync()
    {
        if (_outgoing.TakePending() is not { } chunk)
        {
            return !IsAborted;
        }

        try
        {
            await _outgoing.Queue.Writer.WriteAsync(chunk, _feed.Token);
            return true;
        }
        catch (OperationCanceledException) when (_aborting.IsCancellationRequested)
        {
            return false;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    // Waits for the answer to a request. Null when the run aborted, the output ended, or the answer did not come
    // within twice the timeout while other responses kept the watchdog quiet (Kapacitor would wait forever).
    public async Task<T?> WaitForAsync<T>(Task<T?> answer, string requestType)
        where T : class
    {
        var bound = _options.Timeout * 2;
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(_killed.Token);
        var expiry = Task.Delay(bound, _options.TimeProvider, stopWaiting.Token);
        var first = await Task.WhenAny(answer, _aborted.Task, expiry);
        await stopWaiting.CancelAsync();
        if (answer.IsCompletedSuccessfully && answer.Result is { } result)
        {
            return result;
        }

        if (first == expiry && expiry.IsCompletedSuccessfully && !IsAborted)
        {
            Report(ViolationKind.MissingResponse, fatal: true,
                $"no {requestType}Response within {Format(bound)}, although other responses kept the keepalive watchdog quiet: " +
                $"Kapacitor would wait for the {requestType}Response forever");
        }

        return null;
    }

    // Ends the UDF's input (stdin EOF / half-close) once everything queued is written, and waits, bounded by the exit
    // timeout, for its output to end and the process to exit. Kapacitor stops its keepalives and watchdog as soon as
    // stopping begins. Time the reader spends handing responses on (to a slow STDOUT) does not count: the UDF cannot
    // finish while the simulator does not read its output.
    public async Task<int?> CloseAndWaitForExitAsync()
    {
        await FlushAsync();
        _inputClosing = true;
        await _stopping.CancelAsync();
        _outgoing.Queue.Writer.TryComplete();
        var timeout = _options.EffectiveExitTimeout;
        var exit = WaitForEndAsync();
        int? exitCode = null;
        try
        {
            exitCode = await WaitExcludingBusyAsync(exit, timeout);
        }
        catch (TimeoutException)
        {
            var what = _writer.IsCompleted && !_writeEndedBlocked
                ? $"the UDF did not close its output and exit within {Format(timeout)} after its input was closed"
                : $"the UDF stopped reading its input (a request write is still blocked) and did not exit within {Format(timeout)}";
            Report(ViolationKind.NoExitAfterEof, fatal: true,
                what + "; Kapacitor waits forever here (task stop holds the TaskMaster lock, and the Info probe blocks kapacitord startup). Killed it");
            Kill();
            exitCode = await WaitAfterKillAsync(exit);
        }
        catch (OperationCanceledException) when (_killed.IsCancellationRequested)
        {
            exitCode = await WaitAfterKillAsync(exit);
        }

        if (exitCode is { } code and not 0 && !_killedByUs)
        {
            Report(ViolationKind.NonZeroExitCode, fatal: false,
                $"process exited unexpectedly: exit status {code} (a UDF must exit 0 after its input ends)");
        }

        return _killedByUs ? null : exitCode;
    }

    // A failure the driver detects (Init or Restore refused): fatal, like every node failure.
    public void ReportFatal(ViolationKind kind, string message) => Report(kind, fatal: true, message);

    // A broken input: the task ends as at the end of input (what was queued is still written), not with an abort.
    public void ReportInputFailed(string message) =>
        _log.Report(new Violation(ViolationKind.InputFailed, _phase, message, IsFatal: true));

    public void Kill()
    {
        _killedByUs = true;
        _stopping.Cancel();
        _killed.Cancel();
        _connection.Kill();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_reader.IsCompleted || !_writer.IsCompleted)
        {
            Kill();
        }

        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_writer, _reader, _keepalive, _watchdog).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // A stream that ignores cancellation; the connection's disposal below releases it.
        }

        await _runCancellation.DisposeAsync();
        await _controlKill.DisposeAsync();
        await _connection.DisposeAsync();
        _feed.Dispose();
        _stopping.Dispose();
        _aborting.Dispose();
        _killed.Dispose();
    }

    private void Start()
    {
        Volatile.Write(ref _lastResponseTimestamp, _options.TimeProvider.GetTimestamp());
        Volatile.Write(ref _lastResponseUnixNanoseconds, UnixNanoseconds(_options.TimeProvider.GetUtcNow()));
        _reader = Task.Run(ReadLoopAsync);
        _writer = Task.Run(WriteLoopAsync);
        _keepalive = Task.Run(KeepaliveLoopAsync);
        _watchdog = Task.Run(WatchdogLoopAsync);
    }

    private async Task<int?> WaitExcludingBusyAsync(Task<int?> exit, TimeSpan timeout)
    {
        var started = _options.TimeProvider.GetTimestamp();
        var busyBefore = Volatile.Read(ref _busyTimestampTicks);
        while (true)
        {
            var busy = _options.TimeProvider.GetElapsedTime(busyBefore, Volatile.Read(ref _busyTimestampTicks));
            var remaining = timeout + busy - _options.TimeProvider.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                if (!_readerBusy)
                {
                    throw new TimeoutException();
                }

                remaining = timeout / 4;
            }

            try
            {
                return await exit.WaitAsync(remaining, _options.TimeProvider, _killed.Token);
            }
            catch (TimeoutException)
            {
                // Check again: the reader may have been busy meanwhile.
            }
        }
    }

    private async Task<int?> WaitForEndAsync()
    {
        await _writer;
        await _reader;
        return await _connection.WaitForExitAsync(_killed.Token);
    }

    private static async Task<int?> WaitAfterKillAsync(Task<int?> exit)
    {
        try
        {
            return await exit.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            return null;
        }
    }

    // The first fatal violation aborts, as Kapacitor aborts the node: stop feeding input, stop keepalives, close the
    // UDF's input; the reader keeps reading until the output ends.
    private void Report(ViolationKind kind, bool fatal, string message) => Report(new Violation(kind, _phase, message, fatal));

    private void Report(Violation violation)
    {
        _log.Report(violation);
        if (violation.IsFatal && Interlocked.Exchange(ref _abortStarted, 1) == 0)
        {
            _aborting.Cancel();
            _stopping.Cancel();
            _outgoing.Queue.Writer.TryComplete();
            _aborted.TrySetResult();
        }
    }

    private static void OnStderr(List<string> lines, Action<string>? forward, string line)
    {
        lock (lines)
        {
            if (lines.Count < MaxKeptStderrLines)
            {
                lines.Add(line);
            }
        }

        forward?.Invoke(line);
    }

    private static long UnixNanoseconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;

    private static string Format(TimeSpan span) => span.TotalSeconds >= 1 ? $"{span.TotalSeconds:0.###}s" : $"{span.TotalMilliseconds:0.###}ms";
}
