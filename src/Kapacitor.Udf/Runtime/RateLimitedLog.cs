using Serilog;

namespace Kapacitor.Udf;

/// <summary>Logs the first few occurrences of a repeated warning, then every 1000th, with the running count,
/// so a flood of bad input cannot flood STDERR (Kapacitor logs every line).</summary>
internal sealed class RateLimitedLog
{
    private const int LogFirst = 5;
    private const int ThenEvery = 1000;
    private readonly ILogger _log;
    private readonly string _template;
    private long _count;

    public RateLimitedLog(ILogger log, string template)
    {
        _log = log;
        _template = template;
    }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Counts one occurrence; <paramref name="detail"/> fills the template's one property.</summary>
    public void Warn(object? detail)
    {
        var count = Interlocked.Increment(ref _count);
        if (count <= LogFirst || count % ThenEvery == 0)
        {
            _log.Warning(_template + " (occurrence {Count})", detail, count);
        }
    }
}
