using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Engine;

// See SimulatorOptions.PointReceived.
internal delegate bool EncodedPointHandler(ReadOnlySpan<byte> point);

/// <summary>How the simulated Kapacitor configures and drives the UDF. Every property has a working default.</summary>
public sealed record SimulatorOptions
{
    /// <summary>The UDF's name: <c>[udf.functions.NAME]</c> and <c>@NAME()</c> (default <c>udf</c>).</summary>
    public string UdfName { get; init; } = "udf";

    /// <summary>The task ID sent in the InitRequest (default <c>sim</c>).</summary>
    public string TaskId { get; init; } = "sim";

    /// <summary>The node ID sent in the InitRequest; <see langword="null"/> means <c>&lt;UdfName&gt;1</c>, the name
    /// Kapacitor gives the first UDF node of a task.</summary>
    public string? NodeId { get; init; }

    /// <summary>The UDF node's option calls as written in TICKscript, in order: <c>"field('value')"</c>,
    /// <c>"size(10)"</c>, <c>"tags(['a','b'])"</c>, <c>"period(10s)"</c> (a leading <c>.</c> is optional). They are parsed and
    /// checked against the UDF's Info at define time, as <c>kapacitor define</c> does (<see cref="UdfSimulator.Define(Kapacitor.Udf.Protocol.InfoResponse)"/>).</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>The <c>timeout</c> of <c>kapacitor.conf</c> (default 10 s): keepalives go out every half of it, and
    /// the node is aborted when no response of any kind arrives within it.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the UDF gets to close its output and exit after its input is closed; <see langword="null"/>
    /// means <see cref="Timeout"/>. Kapacitor itself waits forever; after this the simulator kills the UDF. Time the
    /// simulator spends blocked in <see cref="ResponseReceived"/> does not count: the UDF cannot finish meanwhile.</summary>
    public TimeSpan? ExitTimeout { get; init; }

    /// <summary>The <c>groupBy</c> tag names (any order: Kapacitor sorts them); <c>*</c> alone means all tags.</summary>
    public IReadOnlyList<string> GroupBy { get; init; } = [];

    /// <summary>Whether the measurement is part of the group (<c>.byMeasurement()</c>).</summary>
    public bool ByMeasurement { get; init; }

    /// <summary>The database stamped on stream points (default <c>mydb</c>).</summary>
    public string Database { get; init; } = "mydb";

    /// <summary>The retention policy stamped on stream points (default <c>autogen</c>).</summary>
    public string RetentionPolicy { get; init; } = "autogen";

    /// <summary>The window period for a UDF that wants BATCH; must be set exactly when the UDF's Info says
    /// <c>wants = BATCH</c>, as Kapacitor refuses to link mismatched edges. See <see cref="BatchWindower"/>.</summary>
    public TimeSpan? BatchPeriod { get; init; }

    /// <summary>Whether gaps in a group's data produce empty batches (size 0) in batch mode.</summary>
    public bool EmitEmptyWindows { get; init; }

    /// <summary>Whether windows still open at the end of input are sent (default <see langword="true"/>); Kapacitor
    /// would hold them until a later point arrived, so <see langword="false"/> reproduces that exactly.</summary>
    public bool FlushOpenWindows { get; init; } = true;

    /// <summary>Snapshot bytes to send in a RestoreRequest right after Init; empty or <see langword="null"/> sends none,
    /// as Kapacitor never sends an empty restore.</summary>
    public byte[]? RestoreSnapshot { get; init; }

    /// <summary>Send one SnapshotRequest after this many input points (stream points, or points fed into windows);
    /// <see langword="null"/> for none. 0 sends it right after Init/Restore, before any data; a number larger than the
    /// input sends it after the last point. The run waits for the answer before closing the UDF's input.</summary>
    public int? SnapshotAfter { get; init; }

    /// <summary>The largest response frame accepted (default 64 MiB); larger prefixes are a read error.</summary>
    public long MaxFrameSize { get; init; } = VarintFrame.DefaultMaxFrameSize;

    /// <summary>The clock for keepalives and timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Called for each STDERR line of a process UDF, as it arrives (Kapacitor logs it as <c>UDF log</c>).</summary>
    public Action<string>? StderrLine { get; init; }

    /// <summary>Called for each response on the task connection, in order, as it arrives (on the reader's thread).
    /// While it runs, the keepalive watchdog waits: time spent here (e.g. writing to a slow STDOUT) is the simulator's,
    /// not the UDF's.</summary>
    public Action<Response>? ResponseReceived { get; init; }

    /// <summary>Called on the reader's thread when every response read so far has been passed to
    /// <see cref="ResponseReceived"/> and the reader is about to wait for more: the moment to flush buffered output.</summary>
    public Action? ResponsesIdle { get; init; }

    /// <summary>Whether the result keeps every response and output (<see cref="SimulationResult.Responses"/>,
    /// <see cref="SimulationResult.Outputs"/>; default <see langword="true"/>). Set it to <see langword="false"/> for long
    /// or live runs: memory then stays bounded whatever the input size, and the result carries counts only.</summary>
    public bool KeepResponses { get; init; } = true;

    /// <summary>Called for each violation as it is detected.</summary>
    public Action<Violation>? ViolationDetected { get; init; }

    // The command line's fast path for the bulk of a run's output (only with KeepResponses off): a Response{point}
    // outside a batch, as the Point message's bytes; true when handled, and then it is not passed to ResponseReceived.
    internal EncodedPointHandler? PointReceived { get; init; }

    /// <summary>The node ID actually sent.</summary>
    public string EffectiveNodeId => NodeId ?? UdfName + "1";

    /// <summary>The exit timeout actually used.</summary>
    public TimeSpan EffectiveExitTimeout => ExitTimeout ?? Timeout;
}
