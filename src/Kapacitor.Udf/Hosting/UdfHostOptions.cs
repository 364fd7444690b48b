using Serilog;

namespace Kapacitor.Udf;

/// <summary>How <see cref="UdfHost"/> runs a UDF executable, in either mode. The limits set here are the program's
/// defaults: the operator overrides each with a <c>KAPACITOR_UDF_</c> variable (<c>KAPACITOR_UDF_MAX_HANDLER_TIME=5m</c>)
/// and, over that, a command-line option (<c>--max-handler-time 5m</c>); <c>--help</c> lists them.</summary>
public sealed class UdfHostOptions
{
    /// <summary>The agent's limits: of the process (process mode) or of every connection (socket mode). Its
    /// <see cref="UdfAgentOptions.Logger"/> is replaced by <see cref="Logger"/>.</summary>
    public UdfAgentOptions Agent { get; init; } = new();

    /// <summary>The server's limits in socket mode (socket file mode, connection cap, drain deadline). Its
    /// <see cref="UdfServerOptions.Agent"/> and <see cref="UdfServerOptions.Logger"/> are replaced by
    /// <see cref="Agent"/> and <see cref="Logger"/>.</summary>
    public UdfServerOptions Server { get; init; } = new();

    /// <summary>Where logs go; <see langword="null"/> (the default) means one line per event on STDERR, at the level
    /// named by <see cref="UdfLogging.LevelVariable"/>.</summary>
    public ILogger? Logger { get; init; }
}
