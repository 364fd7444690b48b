namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>The closed set of things that make a run unclean.</summary>
public enum ViolationKind
{
    /// <summary>The task would not define: an option does not match the UDF's Info, or the edge types disagree.</summary>
    DefineError,

    /// <summary>The process could not start or the socket could not be reached.</summary>
    ConnectFailed,

    /// <summary>The input points could not be produced (the enumeration threw).</summary>
    InputFailed,

    /// <summary>A response other than InfoResponse or KeepaliveResponse on the Info-probe connection.</summary>
    UnexpectedResponse,

    /// <summary>An info/init/snapshot/restore response with no request of that type outstanding.</summary>
    UnsolicitedResponse,

    /// <summary>A Response with no message set: kapacitord panics and dies.</summary>
    EmptyResponse,

    /// <summary>Data (point, begin, end) before the InitResponse.</summary>
    DataBeforeInitResponse,

    /// <summary>Data before the RestoreResponse when a restore was requested.</summary>
    DataBeforeRestoreResponse,

    /// <summary>An EndBatch with no open batch: kapacitord crashes.</summary>
    EndWithoutBegin,

    /// <summary>A BeginBatch while a batch is open: Kapacitor silently drops the open batch.</summary>
    BeginWhileBatchOpen,

    /// <summary>A point outside BeginBatch/EndBatch from a UDF that provides BATCH.</summary>
    PointOutsideBatch,

    /// <summary>BeginBatch/EndBatch from a UDF that provides STREAM.</summary>
    BatchFromStreamUdf,

    /// <summary>A BeginBatch with a negative size: kapacitord crashes.</summary>
    NegativeBatchSize,

    /// <summary>The output ended with a batch still open (never emitted downstream).</summary>
    UnterminatedBatch,

    /// <summary>No response of any kind within the timeout: Kapacitor aborts the node.</summary>
    KeepaliveTimeout,

    /// <summary>A request was not answered within twice the timeout, although other responses kept arriving.</summary>
    MissingResponse,

    /// <summary>The response stream is not valid frames or protobuf (Kapacitor's <c>read error</c>).</summary>
    ReadError,

    /// <summary>Writing a request failed (Kapacitor's <c>write error</c>), typically because the UDF exited.</summary>
    WriteError,

    /// <summary>The UDF closed its output before its input was closed.</summary>
    OutputClosedEarly,

    /// <summary>The UDF did not close its output and exit within the exit timeout after its input was closed.</summary>
    NoExitAfterEof,

    /// <summary>The process exited with a non-zero code.</summary>
    NonZeroExitCode,

    /// <summary>The UDF sent an ErrorResponse: the node fails with its text.</summary>
    ErrorResponse,

    /// <summary>The InitResponse said <c>success=false</c>.</summary>
    InitFailed,

    /// <summary>The RestoreResponse said <c>success=false</c>.</summary>
    RestoreFailed,
}
