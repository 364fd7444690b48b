using Serilog;
using Serilog.Events;
using Serilog.Parsing;

namespace Kapacitor.Udf.Tests.Hosting;

public class UdfLogFormatterTests
{
    [Fact]
    public void Format_EventWithTaskAndNode_OneLineWithLevelAndScope()
    {
        var line = Format(LogEventLevel.Warning, "Window {Size} for {Group}", null, ("Size", 10), ("Group", "host=a"), ("TaskId", "cpu"), ("NodeId", "movingAvg2"));

        line.Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z W! \[task=cpu node=movingAvg2\] Window 10 for host=a\n$");
    }

    [Fact]
    public void Format_SocketConnectionEvent_ScopeNamesUdfConnectionTaskAndNode()
    {
        var line = Format(LogEventLevel.Information, "Connection closed", null, ("Udf", "avg"), ("Connection", 7L), ("TaskId", "cpu"), ("NodeId", "avg2"));

        line.Should().Contain(" I! [udf=avg conn=7 task=cpu node=avg2] Connection closed\n");
    }

    [Fact]
    public void Format_FailureEvent_ScopeNamesTheReason()
    {
        var line = Format(LogEventLevel.Warning, "Connection closed after a failure: {Error}", null,
            ("Connection", 3L), ("Reason", Kapacitor.Udf.UdfFailureReason.HandlerFailed), ("Error", "Point: boom"));

        line.Should().Contain(" W! [conn=3 reason=HandlerFailed] Connection closed after a failure: Point: boom\n");
    }

    [Theory]
    [InlineData(LogEventLevel.Debug, "D!")]
    [InlineData(LogEventLevel.Information, "I!")]
    [InlineData(LogEventLevel.Warning, "W!")]
    [InlineData(LogEventLevel.Error, "E!")]
    [InlineData(LogEventLevel.Fatal, "E!")]
    public void Format_EachLevel_CarriesKapacitorsLevelPrefix(LogEventLevel level, string code)
    {
        Format(level, "x", null).Should().Contain($" {code} x");
    }

    [Fact]
    public void Format_ExceptionWithStackTrace_FoldedOntoTheSameLine()
    {
        Exception captured;
        try
        {
            throw new InvalidOperationException("outer\nsecond line", new FormatException("inner"));
        }
        catch (Exception ex)
        {
            captured = ex;
        }

        var line = Format(LogEventLevel.Error, "Point failed", captured);

        line.Count(c => c == '\n').Should().Be(1);
        line.Should().EndWith("\n").And.Contain("Point failed | System.InvalidOperationException: outer | second line")
            .And.Contain("FormatException: inner").And.Contain(" at ");
    }

    [Fact]
    public void Format_HugeMessage_CappedWellUnder64KiB()
    {
        var line = Format(LogEventLevel.Information, "{Blob}", null, ("Blob", new string('é', 100_000)));

        line.Length.Should().Be(UdfLogFormatter.MaxLineLength + 1);
        System.Text.Encoding.UTF8.GetByteCount(line).Should().BeLessThan(64 * 1024);
        line.Should().EndWith("…[truncated]\n");
    }

    private static string Format(LogEventLevel level, string template, Exception? exception, params (string Name, object Value)[] properties)
    {
        var parsed = new MessageTemplateParser().Parse(template);
        var logger = new LoggerConfiguration().CreateLogger();
        var props = properties.Select(p => logger.BindProperty(p.Name, p.Value, false, out var bound) ? bound! : throw new InvalidOperationException());
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, level, exception, parsed, props);
        var output = new StringWriter();

        new UdfLogFormatter().Format(logEvent, output);

        return output.ToString();
    }
}
