using System.Buffers;
using System.Diagnostics;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.LoadTool.Measurement;
using Kapacitor.Udf.LoadTool.Reporting;
using Kapacitor.Udf.LoadTool.Targets;
using Kapacitor.Udf.LoadTool.Verification;
using Kapacitor.Udf.LoadTool.Workloads;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Running;

/// <summary>
/// One run: spawn, Init, stream the pre-encoded data on one thread while another reads and verifies every response,
/// then close the input (only once every output has arrived, so no handler call is in progress) and wait for exit.
/// </summary>
/// <remarks>
/// <para><b>Threads.</b> The writer writes whole-frame chunks with blocking writes (a blocked write is the UDF's
/// back-pressure) and slips a KeepaliveRequest between chunks every <see cref="LoadOptions.KeepaliveInterval"/>.
/// The reader reads STDOUT with blocking reads into the SDK's frame reader (<see cref="BlockingFrameReader"/>),
/// answers nothing, and checks each frame: keepalive echoes give round trips, the first other frame must be
/// InitResponse{success}, the rest go to the workload's verifier. The calling thread watches for completion, failure or a stall. Reading concurrently is essential: a UDF blocked writing its
/// output stops reading its input.</para>
/// <para><b>Measures.</b> CPU: the target's (for a process, getrusage(RUSAGE_CHILDREN) before the spawn and after the
/// exit has been reaped, see <see cref="Rusage"/>). Memory: VmHWM sampled when the last output is verified and again at output end. Time:
/// <see cref="Stopwatch"/> timestamps taken next to the events.</para>
/// </remarks>
internal sealed class LoadRun
{
    private const int MaxResponseFrame = 64 * 1024 * 1024;

    private readonly IWorkload _workload;
    private readonly LoadOptions _options;
    private readonly IOutputVerifier _verifier;
    private readonly ManualResetEventSlim _initReceived = new();
    private readonly ManualResetEventSlim _restoreReceived = new();
    private readonly ManualResetEventSlim _allVerified = new();
    private readonly ManualResetEventSlim _outputEnded = new();
    private readonly ManualResetEventSlim _changed = new();
    private readonly List<long> _keepaliveSentAt = [];
    private readonly List<double> _roundTripsMs = [];
    private readonly long _keepaliveBase = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
    private readonly long _keepaliveStep;
    private string? _failure;
    private long _bytesWritten;
    private long _framesMatched;
    private long _initAt;
    private long _initWrittenAt;
    private long _restoreAt;
    private long _restoreWrittenAt;
    private long _firstDataAt;
    private long _lastOutputAt;
    private long _outputEndAt;
    private long? _peakRssAtOutputEnd;
    private int _heartbeats;
    private long _outputBytes;
    private long _outputReads;
    private int? _pid;

    private LoadRun(IWorkload workload, LoadOptions options)
    {
        _workload = workload;
        _options = options;
        _verifier = workload.CreateVerifier();
        _keepaliveStep = (long)options.KeepaliveTimeStep.TotalNanoseconds;
    }

    /// <summary>Runs <paramref name="workload"/> once against a fresh target.</summary>
    public static RunResult Execute(IUdfTargetFactory factory, IWorkload workload, LoadOptions options) =>
        new LoadRun(workload, options).Execute(factory);

    private RunResult Execute(IUdfTargetFactory factory)
    {
        var self0 = Rusage.Self();
        var spawnAt = Stopwatch.GetTimestamp();
        var target = factory.Start();
        _pid = target.ProcessId;
        ProcFs.Sample? atLastOutput = null;
        TimeSpan? agentCpu = null;
        long eofAt = 0, exitAt = 0;
        int? exitCode = null;
        Thread reader, writer;
        try
        {
            reader = StartThread("load-reader", () => ReadLoop(target.Output));
            writer = StartThread("load-writer", () => WriteLoop(target.Input));
            WaitForOutputsOrFailure();

            if (_failure is null)
            {
                // Every output is in, so every input was read: the writer is done, nothing is queued, no call runs.
                writer.Join(_options.StallTimeout);
                atLastOutput = _pid is { } pid ? ProcFs.TryRead(pid) : null;
                eofAt = Stopwatch.GetTimestamp();
                target.CloseInput();
                if (!_outputEnded.Wait(_options.ExitTimeout))
                {
                    Fail($"the UDF did not end its output within {_options.ExitTimeout.TotalSeconds:0.#}s of its input closing");
                }

                exitCode = _failure is null ? target.WaitForExit(_options.ExitTimeout) : null;
                exitAt = Stopwatch.GetTimestamp();
                if (_failure is not null)
                {
                    // Already explained.
                }
                else if (exitCode is null)
                {
                    Fail($"the UDF did not exit within {_options.ExitTimeout.TotalSeconds:0.#}s of its input closing");
                }
                else if (exitCode != 0)
                {
                    Fail($"the UDF exited with code {exitCode} after its input closed");
                }
            }

            if (_failure is not null && exitCode is null)
            {
                target.Kill();
                exitCode = target.WaitForExit(TimeSpan.FromSeconds(5));
                exitAt = Stopwatch.GetTimestamp();
            }

            writer.Join(TimeSpan.FromSeconds(5));
            reader.Join(TimeSpan.FromSeconds(5));
            agentCpu = exitCode is null ? null : target.Cpu;
        }
        finally
        {
            target.Dispose();
        }

        var driverCpu = (Rusage.Self() - self0).TotalSeconds;
        var points = _workload.Points;
        var complete = _failure is null;
        double? streamSeconds = complete ? Stopwatch.GetElapsedTime(_firstDataAt, _lastOutputAt).TotalSeconds : null;
        long? peak = Max(atLastOutput?.PeakRssBytes, _peakRssAtOutputEnd);

        return new RunResult
        {
            Workload = _workload.Name,
            Points = points,
            Verified = complete,
            Error = _failure,
            OutputFramesMatched = _verifier.MatchedFrames,
            InputBytes = _workload.DataBytes,
            OutputBytes = _outputBytes,
            OutputReads = _outputReads,
            WallSeconds = Stopwatch.GetElapsedTime(spawnAt, exitAt == 0 ? Stopwatch.GetTimestamp() : exitAt).TotalSeconds,
            SpawnToInitMs = _initAt == 0 ? null : Stopwatch.GetElapsedTime(spawnAt, _initAt).TotalMilliseconds,
            InitRoundTripMs = _initAt == 0 ? null : Stopwatch.GetElapsedTime(_initWrittenAt, _initAt).TotalMilliseconds,
            RestoreRoundTripMs = _restoreAt == 0 ? null : Stopwatch.GetElapsedTime(_restoreWrittenAt, _restoreAt).TotalMilliseconds,
            StreamSeconds = streamSeconds,
            PointsPerSecond = streamSeconds > 0 ? points / streamSeconds : null,
            AgentCpuSeconds = agentCpu?.TotalSeconds,
            AgentCpuMicrosPerPoint = agentCpu is { } cpu && points > 0 ? cpu.TotalSeconds * 1e6 / points : null,
            AgentCpuAtLastOutputSeconds = atLastOutput?.Cpu?.TotalSeconds,
            DriverCpuSeconds = driverCpu,
            DriverCpuMicrosPerPoint = points > 0 ? driverCpu * 1e6 / points : null,
            PeakRssBytes = peak,
            RssAnonBytesAtEnd = atLastOutput?.RssAnonBytes,
            ThreadsAtEnd = atLastOutput?.Threads,
            EofToOutputEndMs = complete && _outputEndAt != 0 ? Stopwatch.GetElapsedTime(eofAt, _outputEndAt).TotalMilliseconds : null,
            EofToExitMs = complete ? Stopwatch.GetElapsedTime(eofAt, exitAt).TotalMilliseconds : null,
            ExitCode = exitCode,
            Keepalive = KeepaliveStats(),
            StderrTail = complete ? null : target.StderrTail,
        };
    }

    private static Thread StartThread(string name, Action body)
    {
        var thread = new Thread(() => body()) { Name = name, IsBackground = true };
        thread.Start();
        return thread;
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private void WaitForOutputsOrFailure()
    {
        var lastProgress = -1L;
        var lastProgressAt = Stopwatch.GetTimestamp();
        while (!_allVerified.IsSet && Volatile.Read(ref _failure) is null)
        {
            _changed.Wait(TimeSpan.FromMilliseconds(200));
            _changed.Reset();
            var progress = Interlocked.Read(ref _bytesWritten) + Interlocked.Read(ref _framesMatched);
            if (progress != lastProgress)
            {
                lastProgress = progress;
                lastProgressAt = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgressAt) > _options.StallTimeout && !_allVerified.IsSet)
            {
                Fail($"stalled: no progress for {_options.StallTimeout.TotalSeconds:0.#}s "
                    + $"({Interlocked.Read(ref _framesMatched)} of {_verifier.ExpectedFrames} outputs, "
                    + $"{Interlocked.Read(ref _bytesWritten)} of {_workload.DataBytes} input bytes accepted, init answered: {_initReceived.IsSet})");
            }
        }
    }

    private void Fail(string error)
    {
        Interlocked.CompareExchange(ref _failure, error, null);
        _changed.Set();
    }

    // ---- writer ------------------------------------------------------------------------------------------------

    private void WriteLoop(Stream input)
    {
        try
        {
            if (_options.InitDelay > TimeSpan.Zero)
            {
                Thread.Sleep(_options.InitDelay);
            }

            _initWrittenAt = Stopwatch.GetTimestamp();
            Write(input, _workload.InitFrame);
            input.Flush();
            // Kapacitor waits for the Init answer before it feeds data, and restores a snapshot first (reference §2.4).
            if (!WaitOrFail(_initReceived))
            {
                return;
            }

            if (_workload.RestoreFrame is { } restore)
            {
                _restoreWrittenAt = Stopwatch.GetTimestamp();
                Write(input, restore);
                input.Flush();
                if (!WaitOrFail(_restoreReceived))
                {
                    return;
                }
            }

            var interval = _options.KeepaliveInterval > TimeSpan.Zero
                ? (long)(_options.KeepaliveInterval.TotalSeconds * Stopwatch.Frequency)
                : long.MaxValue;
            var nextKeepalive = long.MinValue; // one right away, so even a short run measures a round trip
            _firstDataAt = Stopwatch.GetTimestamp();
            foreach (var chunk in _workload.DataChunks)
            {
                if (Volatile.Read(ref _failure) is not null)
                {
                    return;
                }

                if (interval != long.MaxValue && Stopwatch.GetTimestamp() >= nextKeepalive)
                {
                    SendKeepalive(input);
                    nextKeepalive = Stopwatch.GetTimestamp() + interval;
                }

                Write(input, chunk.Span);
                Interlocked.Add(ref _bytesWritten, chunk.Length);
            }

            input.Flush();
        }
        catch (Exception ex)
        {
            // Any exception: this is a thread of its own, and an unhandled one would kill the tool.
            Fail($"write error after {Interlocked.Read(ref _bytesWritten)} of {_workload.DataBytes} input bytes (the UDF stopped reading or exited): {ex.Message}");
        }
    }

    private bool WaitOrFail(ManualResetEventSlim answered)
    {
        while (!answered.Wait(TimeSpan.FromMilliseconds(100)))
        {
            if (Volatile.Read(ref _failure) is not null)
            {
                return false;
            }
        }

        return true;
    }

    // Whole frames as they are, or each frame as its prefix and then its body (two write calls, two syscalls on an
    // unbuffered pipe, as Kapacitor's writer makes them).
    private void Write(Stream input, ReadOnlySpan<byte> frames)
    {
        if (!_options.TwoWrites)
        {
            input.Write(frames);
            return;
        }

        while (!frames.IsEmpty && VarintFrame.TryReadLength(frames, out var payloadLength, out var prefixLength))
        {
            input.Write(frames[..prefixLength]);
            input.Write(frames.Slice(prefixLength, (int)payloadLength));
            frames = frames[(prefixLength + (int)payloadLength)..];
        }
    }

    private void SendKeepalive(Stream input)
    {
        byte[] frame;
        lock (_keepaliveSentAt)
        {
            var time = _keepaliveBase + (_keepaliveSentAt.Count * _keepaliveStep);
            frame = Frames.Encode(new Request { Keepalive = new KeepaliveRequest { Time = time } });
            _keepaliveSentAt.Add(Stopwatch.GetTimestamp());
        }

        Write(input, frame);
    }

    // ---- reader ------------------------------------------------------------------------------------------------

    private void ReadLoop(Stream output)
    {
        var reader = new BlockingFrameReader(output, MaxResponseFrame);
        var scratch = Array.Empty<byte>();
        try
        {
            while (reader.Read())
            {
                while (reader.Frames.TryReadFrame(out var payload))
                {
                    OnFrame(Contiguous(payload, ref scratch));
                }
            }
        }
        catch (FrameException ex)
        {
            Fail($"the output is not a frame sequence: {ex.Message}");
        }
        catch (Exception ex)
        {
            // Any exception (a killed target, a closed stream): this is a thread of its own.
            Fail($"read error: {ex.GetType().Name}: {ex.Message}");
        }

        _outputReads = reader.Reads;
        _outputBytes = reader.Bytes;
        _outputEndAt = Stopwatch.GetTimestamp();
        if (_pid is { } pid)
        {
            _peakRssAtOutputEnd = ProcFs.TryRead(pid)?.PeakRssBytes;
        }

        if (!_allVerified.IsSet)
        {
            Fail($"the output ended after {_verifier.MatchedFrames} of {_verifier.ExpectedFrames} expected data frames");
        }

        _outputEnded.Set();
        _changed.Set();
    }

    // A payload across two of the pipe's segments is copied once into a buffer kept for the next one.
    private static ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> payload, ref byte[] scratch)
    {
        if (payload.IsSingleSegment)
        {
            return payload.FirstSpan;
        }

        if (scratch.Length < payload.Length)
        {
            scratch = new byte[Math.Max(payload.Length, 2L * scratch.Length)];
        }

        payload.CopyTo(scratch);
        return scratch.AsSpan(0, (int)payload.Length);
    }

    private void OnFrame(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            Fail("a Response with no message set (this crashes kapacitord, influxdata/kapacitor#2132)");
            return;
        }

        switch (payload[0])
        {
            case 0x1a: // field 3, length-delimited: keepalive
                OnKeepalive(payload);
                return;
            case 0x32: // field 6: error
                Fail($"the UDF sent an ErrorResponse: {Frames.TryParseResponse(payload)?.Error?.Error ?? Frames.Describe(payload)}");
                return;
        }

        if (!_initReceived.IsSet)
        {
            if (payload.SequenceEqual(Frames.InitSuccess))
            {
                _initAt = Stopwatch.GetTimestamp();
                _initReceived.Set();
                _changed.Set();
            }
            else
            {
                Fail($"expected InitResponse{{success:true}} first, received {Frames.Describe(payload)}");
            }

            return;
        }

        if (_workload.RestoreFrame is not null && !_restoreReceived.IsSet)
        {
            if (payload.SequenceEqual(Frames.RestoreSuccess))
            {
                _restoreAt = Stopwatch.GetTimestamp();
                _restoreReceived.Set();
                _changed.Set();
            }
            else
            {
                Fail($"expected RestoreResponse{{success:true}} after the Init answer, received {Frames.Describe(payload)}");
            }

            return;
        }

        if (Volatile.Read(ref _failure) is not null)
        {
            return;
        }

        if (!_verifier.Check(payload))
        {
            Fail(_verifier.Failure ?? "verification failed");
            return;
        }

        Interlocked.Increment(ref _framesMatched);
        if (_verifier.IsComplete)
        {
            _lastOutputAt = Stopwatch.GetTimestamp();
            _allVerified.Set();
            _changed.Set();
        }
    }

    private void OnKeepalive(ReadOnlySpan<byte> payload)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        var time = Frames.TryParseResponse(payload)?.Keepalive?.Time;
        if (time is null)
        {
            Fail($"a malformed KeepaliveResponse: {Frames.Describe(payload)}");
            return;
        }

        var offset = time.Value - _keepaliveBase;
        lock (_keepaliveSentAt)
        {
            if (offset >= 0 && offset % _keepaliveStep == 0 && offset / _keepaliveStep < _keepaliveSentAt.Count)
            {
                _roundTripsMs.Add(Stopwatch.GetElapsedTime(_keepaliveSentAt[(int)(offset / _keepaliveStep)], receivedAt).TotalMilliseconds);
            }
            else
            {
                // An unsolicited KeepaliveResponse: the agent's heartbeat during a long call.
                _heartbeats++;
            }
        }
    }

    private KeepaliveStats KeepaliveStats()
    {
        lock (_keepaliveSentAt)
        {
            return new KeepaliveStats(
                _keepaliveSentAt.Count,
                _roundTripsMs.Count,
                _heartbeats,
                Stats.Percentile(_roundTripsMs, 50),
                Stats.Percentile(_roundTripsMs, 99),
                _roundTripsMs.Count > 0 ? _roundTripsMs.Max() : null);
        }
    }
}
