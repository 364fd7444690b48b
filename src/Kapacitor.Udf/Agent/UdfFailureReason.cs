namespace Kapacitor.Udf;

/// <summary>Why an agent's run failed: the closed set of endings other than success (see
/// <see cref="UdfAgentResult.Reason"/>). The text Kapacitor receives in the <c>ErrorResponse</c> is the result's
/// <see cref="UdfAgentResult.Error"/>; match on this value, never on that text.</summary>
public enum UdfFailureReason
{
    /// <summary>No failure: the input ended and every response was delivered.</summary>
    None = 0,

    /// <summary>The handler factory threw, so no handler was created.</summary>
    HandlerFactoryFailed,

    /// <summary>A handler method other than Init, Restore, Snapshot and Stop threw (or returned null).</summary>
    HandlerFailed,

    /// <summary>Work started with <see cref="UdfHandlerContext.StartBackground"/> threw.</summary>
    BackgroundWorkFailed,

    /// <summary>One handler call ran longer than <see cref="UdfAgentOptions.MaxHandlerTime"/>.</summary>
    HandlerHung,

    /// <summary>A frame's length prefix announced more than <see cref="UdfAgentOptions.MaxFrameSize"/>.</summary>
    FrameTooLarge,

    /// <summary>A frame's length prefix was longer than 10 bytes or overflowed 64 bits.</summary>
    MalformedFrame,

    /// <summary>The input ended inside a frame (its length prefix or its payload).</summary>
    InputTruncated,

    /// <summary>A frame's payload is not a protobuf <c>Request</c>.</summary>
    MalformedRequest,

    /// <summary>A string field of a request holds invalid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>The requests broke the protocol's sequence (data before Init, EndBatch without BeginBatch, ...).</summary>
    ProtocolViolation,

    /// <summary>Reading the input failed (the transport reported an error).</summary>
    InputFailed,

    /// <summary>The output was closed under the agent (EPIPE, a reset socket): nothing more can be delivered.</summary>
    OutputClosed,

    /// <summary>The run did not finish within the drain deadline after its input ended, an error, or a drain request.</summary>
    DrainTimedOut,

    /// <summary>The run was cancelled through the token given to <see cref="UdfAgent.RunAsync"/>.</summary>
    Cancelled,

    /// <summary>The socket server ended the connection because it is stopping.</summary>
    ServerStopping,

    /// <summary>The agent itself failed unexpectedly (a bug in the agent).</summary>
    AgentFault,
}
