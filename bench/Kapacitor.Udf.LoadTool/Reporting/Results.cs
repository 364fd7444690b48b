namespace Kapacitor.Udf.LoadTool.Reporting;

/// <summary>Keepalive round trips measured while streaming: request written → its echo read. <paramref name="Unsolicited"/>
/// counts KeepaliveResponses the tool did not ask for (the agent's heartbeats during a long call).</summary>
internal sealed record KeepaliveStats(int Sent, int Answered, int Unsolicited, double? P50Ms, double? P99Ms, double? MaxMs);

/// <summary>One spawn-stream-exit run of a workload.</summary>
internal sealed record RunResult
{
    public required string Workload { get; init; }

    public required long Points { get; init; }

    /// <summary>Every expected output arrived, byte-identical, and nothing else (bar keepalives) did.</summary>
    public required bool Verified { get; init; }

    /// <summary>Why the run failed (verification, protocol, stall, exit), or <see langword="null"/>.</summary>
    public string? Error { get; init; }

    public long OutputFramesMatched { get; init; }

    public long InputBytes { get; init; }

    /// <summary>Bytes read from the UDF's STDOUT.</summary>
    public long OutputBytes { get; init; }

    /// <summary>How many reads of STDOUT returned data: at least one per flush the UDF made that found the tool
    /// waiting, so a figure near the output frame count means the UDF flushes (and makes a write syscall) per frame.</summary>
    public long OutputReads { get; init; }

    /// <summary>Spawn to exit.</summary>
    public double WallSeconds { get; init; }

    /// <summary>Spawn to InitResponse (includes runtime start-up and Init).</summary>
    public double? SpawnToInitMs { get; init; }

    /// <summary>InitRequest written to InitResponse read (the process already started when it was written).</summary>
    public double? InitRoundTripMs { get; init; }

    /// <summary>RestoreRequest written (right after the Init answer) to RestoreResponse read.</summary>
    public double? RestoreRoundTripMs { get; init; }

    /// <summary>First data byte written to the last expected output verified.</summary>
    public double? StreamSeconds { get; init; }

    public double? PointsPerSecond { get; init; }

    /// <summary>The UDF process's whole CPU time (user+system, all threads, exec to exit): getrusage(RUSAGE_CHILDREN).</summary>
    public double? AgentCpuSeconds { get; init; }

    public double? AgentCpuMicrosPerPoint { get; init; }

    /// <summary>The UDF's CPU from /proc/pid/stat when the last output was verified (10 ms ticks; excludes shutdown):
    /// a cross-check of <see cref="AgentCpuSeconds"/>.</summary>
    public double? AgentCpuAtLastOutputSeconds { get; init; }

    /// <summary>The tool's own CPU during the run (getrusage(RUSAGE_SELF)): if it nears the UDF's, the driver was
    /// the bottleneck.</summary>
    public double DriverCpuSeconds { get; init; }

    public double? DriverCpuMicrosPerPoint { get; init; }

    /// <summary>VmHWM sampled at the last output (before EOF) and again at output end if the process was still alive.</summary>
    public long? PeakRssBytes { get; init; }

    public long? RssAnonBytesAtEnd { get; init; }

    public int? ThreadsAtEnd { get; init; }

    /// <summary>Input closed (nothing pending, no call running) → the UDF's STDOUT ended.</summary>
    public double? EofToOutputEndMs { get; init; }

    /// <summary>Input closed → process exit observed.</summary>
    public double? EofToExitMs { get; init; }

    public int? ExitCode { get; init; }

    public required KeepaliveStats Keepalive { get; init; }

    public string? StderrTail { get; init; }
}

/// <summary>Runs of one workload at several sizes, and what follows from two of them.</summary>
internal sealed record WorkloadResult
{
    public required string Workload { get; init; }

    public required string Target { get; init; }

    public required IReadOnlyList<RunResult> Runs { get; init; }

    /// <summary>(CPU(large) − CPU(small)) / (large − small), from the per-size medians: the cost of one more point.</summary>
    public double? MarginalCpuMicrosPerPoint { get; init; }

    /// <summary>CPU(small) − small × marginal: the run's fixed cost (start-up, JIT, Init, shutdown).</summary>
    public double? FixedCpuMs { get; init; }

    public long? MarginalSmallPoints { get; init; }

    public long? MarginalLargePoints { get; init; }

    /// <summary>The same figure from the second and third sizes (e.g. 2M vs 10M), when there is a third: a check that
    /// the first pair was past JIT tiering and warm-up. Far apart, the two say the small run was not steady yet.</summary>
    public double? MarginalCheckCpuMicrosPerPoint { get; init; }

    public long? MarginalCheckLargePoints { get; init; }
}

/// <summary>Kapacitor's start-up probe, repeated: spawn, Info, close STDIN, wait for exit.</summary>
internal sealed record InfoProbeResult
{
    public required string Target { get; init; }

    public required int Runs { get; init; }

    public required bool Verified { get; init; }

    public string? Error { get; init; }

    public string? Info { get; init; }

    public double? SpawnToInfoMedianMs { get; init; }

    public double? SpawnToInfoP95Ms { get; init; }

    public double? SpawnToInfoMinMs { get; init; }

    public double? SpawnToInfoMaxMs { get; init; }

    public double? EofToExitMedianMs { get; init; }

    public double? EofToExitMaxMs { get; init; }

    /// <summary>Whole-process CPU of one probe (getrusage): the UDF's fixed start-up cost.</summary>
    public double? CpuMedianMs { get; init; }

    public long? PeakRssMedianBytes { get; init; }

    public IReadOnlyList<double> SpawnToInfoMs { get; init; } = [];
}

/// <summary>Where and when the figures were taken.</summary>
internal sealed record MachineInfo(
    string Date,
    int ProcessorCount,
    string? CpuModel,
    string Runtime,
    string Os,
    string? LoadAverageAtStart,
    string? LoadAverageAtEnd);

/// <summary>Everything one invocation measured: the JSON document of <c>--json</c>.</summary>
internal sealed record Report
{
    public required MachineInfo Machine { get; init; }

    public required bool Smoke { get; init; }

    public WorkloadResult? MovingAverage { get; init; }

    public WorkloadResult? Outliers { get; init; }

    public InfoProbeResult? Info { get; init; }

    /// <summary>All runs verified and every probe answered correctly.</summary>
    public bool AllVerified =>
        (MovingAverage?.Runs.All(r => r.Verified) ?? true)
        && (Outliers?.Runs.All(r => r.Verified) ?? true)
        && (Info?.Verified ?? true);
}
