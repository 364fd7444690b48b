using Kapacitor.Udf.Framing;
using Serilog;

namespace Kapacitor.Udf;

/// <summary>The limits and collaborators of one <see cref="UdfAgent"/>. Every limit has a safe default.</summary>
public sealed record UdfAgentOptions
{
    /// <summary>The largest request payload accepted, checked before anything is allocated (default 64 MiB).
    /// Snapshots larger than this are refused, since they could never be restored.
    /// An operator sets it with <c>--max-frame-size</c> or <c>KAPACITOR_UDF_MAX_FRAME_SIZE</c> (an executable on <c>UdfHost</c>).</summary>
    public long MaxFrameSize { get; init; } = VarintFrame.DefaultMaxFrameSize;

    /// <summary>How many requests may wait for the handler (default 256). When full, the agent stops reading
    /// input, so Kapacitor blocks instead of memory growing.
    /// An operator sets it with <c>--queue-capacity</c> or <c>KAPACITOR_UDF_QUEUE_CAPACITY</c> (an executable on <c>UdfHost</c>).</summary>
    public int QueueCapacity { get; init; } = 256;

    /// <summary>How long one handler call may run, kept alive by heartbeats, before it is declared hung and the
    /// agent fails with an ErrorResponse (default 5 minutes; <see cref="TimeSpan.Zero"/> = no limit).
    /// An operator sets it with <c>--max-handler-time</c> or <c>KAPACITOR_UDF_MAX_HANDLER_TIME</c> (an executable on <c>UdfHost</c>).</summary>
    public TimeSpan MaxHandlerTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Kapacitor's <c>timeout</c> assumed until its keepalive cadence reveals the real one (default 10 s,
    /// the value in Kapacitor's sample config).
    /// An operator sets it with <c>--default-keepalive-timeout</c> or <c>KAPACITOR_UDF_DEFAULT_KEEPALIVE_TIMEOUT</c> (an executable on <c>UdfHost</c>).</summary>
    public TimeSpan DefaultKeepaliveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the agent may take to finish after its input ends, an error, or a termination signal,
    /// before it gives up and ends with a failure. <see langword="null"/> (the default) uses Kapacitor's estimated
    /// <c>timeout</c>.
    /// An operator sets it with <c>--drain-timeout</c> or <c>KAPACITOR_UDF_DRAIN_TIMEOUT</c> (an executable on <c>UdfHost</c>).</summary>
    public TimeSpan? DrainTimeout { get; init; }

    /// <summary>How many bytes of early output are held (default 1 MiB): data emitted before Kapacitor may read it,
    /// that is before the Restore answer or the first point or BeginBatch, whichever comes first. Beyond it, emitters
    /// wait. An operator sets it with <c>--max-early-output-bytes</c> or <c>KAPACITOR_UDF_MAX_EARLY_OUTPUT_BYTES</c>
    /// (an executable on <c>UdfHost</c>).</summary>
    public int MaxEarlyOutputBytes { get; init; } = 1024 * 1024;

    /// <summary>Pending data bytes that force a flush even while input is still streaming (default 64 KiB).
    /// An operator sets it with <c>--flush-threshold-bytes</c> or <c>KAPACITOR_UDF_FLUSH_THRESHOLD_BYTES</c> (an executable on <c>UdfHost</c>).</summary>
    public int FlushThresholdBytes { get; init; } = 64 * 1024;

    /// <summary>The longest emitted data may wait in the output before it is flushed, whatever the handler and the
    /// input do: a call blocking after an emit, a queue that never empties, an emit from a background thread
    /// (default 5 ms). Data is flushed sooner when the input goes idle or <see cref="FlushThresholdBytes"/> are
    /// pending; <see cref="TimeSpan.Zero"/> flushes every emit at once (no batching). At most
    /// <see cref="MaxOutputDelayLimit"/>.
    /// An operator sets it with <c>--max-output-delay</c> or <c>KAPACITOR_UDF_MAX_OUTPUT_DELAY</c> (an executable on <c>UdfHost</c>).</summary>
    public TimeSpan MaxOutputDelay { get; init; } = DefaultMaxOutputDelay;

    /// <summary>The default <see cref="MaxOutputDelay"/>.</summary>
    public static readonly TimeSpan DefaultMaxOutputDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>The largest <see cref="MaxOutputDelay"/> accepted: an answer held longer than Kapacitor's shortest
    /// useful timeout would look like a dead UDF.</summary>
    public static readonly TimeSpan MaxOutputDelayLimit = TimeSpan.FromSeconds(1);

    /// <summary>The clock behind every timeout and heartbeat.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the agent logs (default: nowhere). Hosting sets a one-line-per-event STDERR logger.</summary>
    public ILogger Logger { get; init; } = Serilog.Core.Logger.None;

    /// <summary>The longest timeout a .NET timer accepts (4294967294 ms, about 49.7 days): a longer drain deadline
    /// would make <c>Task.Delay</c> throw when the drain starts, not when the option is set.</summary>
    internal static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    internal void Validate()
    {
        Require(MaxFrameSize > 0, nameof(MaxFrameSize), "must be positive");
        // Google.Protobuf parses at most int.MaxValue bytes; a larger limit would promise frames that cannot be read.
        Require(MaxFrameSize <= int.MaxValue, nameof(MaxFrameSize), $"must be at most {int.MaxValue} (the largest message Google.Protobuf parses)");
        Require(QueueCapacity > 0, nameof(QueueCapacity), "must be positive");
        Require(MaxHandlerTime >= TimeSpan.Zero, nameof(MaxHandlerTime), "must not be negative");
        Require(DefaultKeepaliveTimeout > TimeSpan.Zero, nameof(DefaultKeepaliveTimeout), "must be positive");
        Require(DefaultKeepaliveTimeout <= MaxTimerDelay, nameof(DefaultKeepaliveTimeout), $"must be at most {MaxTimerDelay} (the longest .NET timer; it is the drain deadline when DrainTimeout is not set)");
        Require(DrainTimeout is null || DrainTimeout > TimeSpan.Zero, nameof(DrainTimeout), "must be positive");
        Require(DrainTimeout is null || DrainTimeout <= MaxTimerDelay, nameof(DrainTimeout), $"must be at most {MaxTimerDelay} (the longest .NET timer)");
        Require(MaxEarlyOutputBytes > 0, nameof(MaxEarlyOutputBytes), "must be positive");
        Require(FlushThresholdBytes > 0, nameof(FlushThresholdBytes), "must be positive");
        Require(MaxOutputDelay >= TimeSpan.Zero && MaxOutputDelay <= MaxOutputDelayLimit, nameof(MaxOutputDelay), $"must be between 0 and {MaxOutputDelayLimit}");
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, $"{name} {rule}");
        }
    }
}
