using Kapacitor.Udf.Simulator.Cli;

namespace Kapacitor.Udf.Simulator.Tests.Cli;

public sealed class CliParsersTests
{
    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("2d", 172_800_000)]
    [InlineData("1w", 604_800_000)]
    [InlineData("250us", 0.25)]
    [InlineData("1000000ns", 1)]
    public void TryParseDuration_GoStyle_Parses(string text, double milliseconds)
    {
        // Act
        var ok = CliParsers.TryParseDuration(text, out var duration);

        // Assert
        ok.Should().BeTrue();
        duration.Should().Be(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("10x")]
    [InlineData("1.2.3s")]
    public void TryParseDuration_Invalid_Fails(string text)
    {
        // Act
        var ok = CliParsers.TryParseDuration(text, out _);

        // Assert
        ok.Should().BeFalse();
    }

    [Theory]
    [InlineData("MovingAverage", "movingAverage")]
    [InlineData("moving-avg.v2", "movingAvgV2")]
    [InlineData("outliers", "outliers")]
    [InlineData("9lives", "udf9lives")]
    [InlineData("--", "udf")]
    public void ToIdentifier_FileName_BecomesATickScriptName(string fileName, string expected)
    {
        // Act
        var name = TargetOptions.ToIdentifier(fileName);

        // Assert
        name.Should().Be(expected);
    }
}
