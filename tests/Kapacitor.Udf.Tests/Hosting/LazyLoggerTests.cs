using Kapacitor.Udf.Tests.Support;
using Serilog.Events;

namespace Kapacitor.Udf.Tests.Hosting;

public class LazyLoggerTests
{
    [Fact]
    public void Write_BelowTheMinimumLevel_NeverBuildsThePipeline()
    {
        var builds = 0;
        Serilog.ILogger logger = new LazyLogger(() => { builds++; return new CollectingLogger().Logger; }, LogEventLevel.Information);

        logger.Debug("not {Shown}", 1);
        var scoped = logger.ForContext("TaskId", "cpu");
        scoped.Verbose("nor this");

        logger.IsEnabled(LogEventLevel.Debug).Should().BeFalse();
        builds.Should().Be(0, "the Info probe usually logs nothing and must not pay for the pipeline");
    }

    [Fact]
    public void Write_AtTheMinimumLevel_BuildsOnceAndDeliversWithContext()
    {
        var builds = 0;
        var sink = new CollectingLogger();
        Serilog.ILogger logger = new LazyLogger(() => { builds++; return sink.Logger; }, LogEventLevel.Information);

        logger.Information("first {Value}", 1);
        logger.ForContext("TaskId", "cpu").Warning("second");

        builds.Should().Be(1);
        sink.Events.Select(e => e.RenderMessage()).Should().Equal("first 1", "second");
        sink.Events.Last().Properties["TaskId"].ToString().Should().Be("\"cpu\"");
    }
}
