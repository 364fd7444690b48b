
namespace Kapacitor.Udf.Tests.Agent;

public class InputActivityTests
{
    [Fact]
    public void End_LastPieceInFlight_ReportsIdleOnceCountedDown()
    {
        var activity = new InputActivity();
        var idleAtStart = activity.IsIdle;

        activity.Begin();
        activity.Begin();
        var afterFirstEnd = activity.End();
        var busyBetween = activity.IsIdle;
        var afterSecondEnd = activity.End();

        idleAtStart.Should().BeTrue();
        afterFirstEnd.Should().BeFalse("one piece is still in flight");
        busyBetween.Should().BeFalse();
        afterSecondEnd.Should().BeTrue("the last End makes the input idle, once");
        activity.IsIdle.Should().BeTrue();
    }
}
