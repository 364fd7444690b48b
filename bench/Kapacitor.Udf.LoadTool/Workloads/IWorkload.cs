using Kapacitor.Udf.LoadTool.Verification;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Workloads;

/// <summary>
/// What the tool sends (pre-encoded, as Kapacitor would) and what it must get back.
/// </summary>
internal interface IWorkload
{
    /// <summary>A short name for reports: "moving-average", "outliers".</summary>
    string Name { get; }

    /// <summary>The number of input points: the denominator of every per-point figure.</summary>
    long Points { get; }

    /// <summary>What the UDF's Info must say (checked by the Info probe).</summary>
    EdgeType Wants { get; }

    /// <summary>See <see cref="Wants"/>.</summary>
    EdgeType Provides { get; }

    /// <summary>Request{init} with the TICKscript's options, as Kapacitor sends it first on a task connection.</summary>
    byte[] InitFrame { get; }

    /// <summary>The data, in write-sized chunks of whole frames: keepalives may go between any two chunks.</summary>
    IReadOnlyList<ReadOnlyMemory<byte>> DataChunks { get; }

    /// <summary>The total size of <see cref="DataChunks"/>.</summary>
    long DataBytes { get; }

    /// <summary>Request{restore} sent right after Init is answered, as Kapacitor restores a restarted task's
    /// snapshot, or <see langword="null"/> for none. Its state must not change the data's expected outputs.</summary>
    byte[]? RestoreFrame => null;

    /// <summary>A fresh checker for the data responses of one run.</summary>
    IOutputVerifier CreateVerifier();
}
