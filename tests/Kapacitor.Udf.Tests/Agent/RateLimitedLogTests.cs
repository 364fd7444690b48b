using Kapacitor.Udf.Tests.Support;
using Serilog.Events;

namespace Kapacitor.Udf.Tests.Agent;

public class RateLimitedLogTests
{
    [Fact]
    public void Warn_TwoThousandTimes_LogsTheFirstFiveThenEveryThousandth()
    {
        var log = new CollectingLogger();
        var limited = new RateLimitedLog(log.Logger, "ignored a request: {Detail}");

        for (var i = 1; i <= 2000; i++)
        {
            limited.Warn($"#{i}");
        }

        limited.Count.Should().Be(2000);
        log.Messages(LogEventLevel.Warning).Should().Equal(
            "ignored a request: \"#1\" (occurrence 1)",
            "ignored a request: \"#2\" (occurrence 2)",
            "ignored a request: \"#3\" (occurrence 3)",
            "ignored a request: \"#4\" (occurrence 4)",
            "ignored a request: \"#5\" (occurrence 5)",
            "ignored a request: \"#1000\" (occurrence 1000)",
            "ignored a request: \"#2000\" (occurrence 2000)");
    }

    [Fact]
    public void Count_NothingWarned_IsZero()
    {
        var log = new CollectingLogger();

        var limited = new RateLimitedLog(log.Logger, "x {Detail}");

        limited.Count.Should().Be(0);
        log.Events.Should().BeEmpty();
    }
}
