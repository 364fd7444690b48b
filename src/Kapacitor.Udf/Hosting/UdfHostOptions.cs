using Kapacitor.Udf.Agent;
using Serilog;

namespace Kapacitor.Udf.Hosting;

/// <summary>How <see cref="UdfHost"/> runs a UDF process.</summary>
public sealed class UdfHostOptions
{
    /// <summary>The agent's limits. Its <see cref="UdfAgentOptions.Logger"/> is replaced by <see cref="Logger"/>.</summary>
    public UdfAgentOptions Agent { get; init; } = new();

    /// <summary>Where logs go; <see langword="null"/> (the default) means one line per event on STDERR, at the level
    /// named by <see cref="UdfLogging.LevelVariable"/>.</summary>
    public ILogger? Logger { get; init; }
}
