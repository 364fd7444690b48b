using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Kapacitor.Udf.Tests.Support;

/// <summary>A Serilog logger that keeps every event, for assertions on what was logged.</summary>
internal sealed class CollectingLogger : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public CollectingLogger() =>
        Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();

    public ILogger Logger { get; }

    public IEnumerable<LogEvent> Events => _events;

    public IEnumerable<string> Messages(LogEventLevel level) =>
        _events.Where(e => e.Level == level).Select(e => e.RenderMessage());

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);
}
