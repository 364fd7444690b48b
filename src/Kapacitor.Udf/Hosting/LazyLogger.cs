using System.Diagnostics.CodeAnalysis;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Kapacitor.Udf;

/// <summary>
/// A logger that builds its Serilog pipeline when the first event is actually written. Kapacitor's Info probe starts
/// the UDF at every kapacitord start and usually logs nothing; building the pipeline costs milliseconds of that
/// start. Level checks are answered without building it.
/// </summary>
internal sealed class LazyLogger : ILogger
{
    private readonly Lazy<ILogger> _logger;
    private readonly LogEventLevel _minimumLevel;

    public LazyLogger(Func<ILogger> create, LogEventLevel minimumLevel)
    {
        _logger = new Lazy<ILogger>(create, LazyThreadSafetyMode.ExecutionAndPublication);
        _minimumLevel = minimumLevel;
    }

    public bool IsEnabled(LogEventLevel level) => level >= _minimumLevel;

    public void Write(LogEvent logEvent)
    {
        if (IsEnabled(logEvent.Level))
        {
            _logger.Value.Write(logEvent);
        }
    }

    public bool BindMessageTemplate(
        string messageTemplate,
        object?[]? propertyValues,
        [NotNullWhen(true)] out MessageTemplate? parsedTemplate,
        [NotNullWhen(true)] out IEnumerable<LogEventProperty>? boundProperties) =>
        _logger.Value.BindMessageTemplate(messageTemplate, propertyValues, out parsedTemplate, out boundProperties);

    public bool BindProperty(string? propertyName, object? value, bool destructureObjects, [NotNullWhen(true)] out LogEventProperty? property) =>
        _logger.Value.BindProperty(propertyName, value, destructureObjects, out property);

    public ILogger ForContext(string propertyName, object? value, bool destructureObjects = false) =>
        new LazyLogger(() => _logger.Value.ForContext(propertyName, value, destructureObjects), _minimumLevel);

    public ILogger ForContext(ILogEventEnricher enricher) =>
        new LazyLogger(() => _logger.Value.ForContext(enricher), _minimumLevel);

    public ILogger ForContext(IEnumerable<ILogEventEnricher> enrichers) =>
        new LazyLogger(() => _logger.Value.ForContext(enrichers), _minimumLevel);
}
