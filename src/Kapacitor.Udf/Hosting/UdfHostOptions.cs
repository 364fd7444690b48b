using Serilog;

namespace Kapacitor.Udf;

/// <summary>How <see cref="UdfHost"/> runs a UDF executable, in either mode.</summary>
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
