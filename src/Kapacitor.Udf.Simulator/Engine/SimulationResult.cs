using Google.Protobuf;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>Everything that happened in a run: the probe, the define step and the task connection.</summary>
public sealed class SimulationResult
{
    /// <summary>The Info probe; <see langword="null"/> when the run was given an Info and did not probe.</summary>
    public ProbeResult? Probe { get; init; }

    /// <summary>The Info the task was defined against.</summary>
    public InfoResponse? Info { get; init; }

    /// <summary>The options sent in the InitRequest (empty when the define step failed).</summary>
    public IReadOnlyList<Option> InitOptions { get; init; } = [];

    /// <summary>The InitResponse; <see langword="null"/> when none arrived.</summary>
    public InitResponse? Init { get; init; }

    /// <summary>The RestoreResponse; <see langword="null"/> when no restore was sent or none arrived.</summary>
    public RestoreResponse? Restore { get; init; }

    /// <summary>The snapshot the UDF returned; <see langword="null"/> when none was requested or none arrived.</summary>
    public ByteString? Snapshot { get; init; }

    /// <summary>Every response on the task connection, in arrival order (keepalives included); empty unless
    /// <see cref="SimulatorOptions.KeepResponses"/>.</summary>
    public IReadOnlyList<Response> Responses { get; init; } = [];

    /// <summary>The data the UDF produced, in order: stream points and batches (a batch appears when it ends); empty
    /// unless <see cref="SimulatorOptions.KeepResponses"/>.</summary>
    public IReadOnlyList<UdfOutput> Outputs { get; init; } = [];

    /// <summary>How many input points were fed (stream points, or points put into windows or sent in batches).</summary>
    public long PointsSent { get; init; }

    /// <summary>How many batches were sent (batch mode).</summary>
    public long BatchesSent { get; init; }

    /// <summary>How many points the UDF sent: stream points and points inside batches (counted also when responses
    /// are not kept).</summary>
    public long PointsReceived { get; init; }

    /// <summary>How many batches the UDF closed with an EndBatch.</summary>
    public long BatchesReceived { get; init; }

    /// <summary>Whether the run was stopped early through <see cref="SimulationControl"/> (the input was not read to its end).</summary>
    public bool Stopped { get; init; }

    /// <summary>Whether the UDF was killed through <see cref="SimulationControl.Kill"/>.</summary>
    public bool Killed { get; init; }

    /// <summary>How many keepalive requests were written on the task connection.</summary>
    public int KeepalivesSent { get; init; }

    /// <summary>How many keepalive responses arrived on the task connection.</summary>
    public int KeepalivesAnswered { get; init; }

    /// <summary>Everything that went wrong (probe, define and task), in the order detected: the first 100.</summary>
    public IReadOnlyList<Violation> Violations { get; init; } = [];

    /// <summary>How many violations there were in all (<see cref="Violations"/> keeps the first 100).</summary>
    public long ViolationCount { get; init; }

    /// <summary>The task process's exit code; <see langword="null"/> for a socket, or when it did not run or never exited.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The task connection's STDERR lines: the first 10,000 (every line is passed to
    /// <see cref="SimulatorOptions.StderrLine"/>).</summary>
    public IReadOnlyList<string> StderrLines { get; init; } = [];

    /// <summary>The stream points the UDF produced (outside batches).</summary>
    public IReadOnlyList<Point> Points => Outputs.OfType<PointOutput>().Select(o => o.Point).ToArray();

    /// <summary>The batches the UDF produced.</summary>
    public IReadOnlyList<BatchOutput> Batches => Outputs.OfType<BatchOutput>().ToArray();

    /// <summary>The define-time error, when the options or edges did not match the Info.</summary>
    public string? DefineError => Violations.FirstOrDefault(v => v.Kind == ViolationKind.DefineError)?.Message;

    /// <summary>The error the node would fail with in Kapacitor: the first fatal violation's message.</summary>
    public string? NodeError => Violations.FirstOrDefault(v => v.IsFatal)?.Message;

    /// <summary>Whether the run was clean: no violation of any kind and a zero exit code.</summary>
    public bool IsClean => Violations.Count == 0;
}
