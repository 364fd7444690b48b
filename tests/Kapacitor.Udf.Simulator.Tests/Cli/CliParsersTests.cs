using System.CommandLine;
using Kapacitor.Udf.Simulator.Cli;

namespace Kapacitor.Udf.Simulator.Tests.Cli;

public sealed class CliParsersTests
{
    [Theory]
    [InlineData("1m30s", 90_000)]
    [InlineData(" 10s ", 10_000)]
    [InlineData("250u", 0.25)]
    [InlineData("1w", 604_800_000)]
    public void ParseDuration_TheAgentsSyntax_Parsed(string text, double milliseconds)
    {
        var (option, result) = ParseDurationOption(text);

        result.Errors.Should().BeEmpty();
        result.GetValue(option).Should().Be(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("10")]
    [InlineData("10x")]
    public void ParseDuration_NotAPositiveDuration_ErrorNamesTheOptionAndTheValue(string text)
    {
        var (_, result) = ParseDurationOption(text);

        result.Errors.Should().ContainSingle().Which.Message.Should().Contain($"invalid --timeout '{text}'");
    }

    private static (Option<TimeSpan?> Option, ParseResult Result) ParseDurationOption(string text)
    {
        var option = new Option<TimeSpan?>("--timeout") { CustomParser = r => CliParsers.ParseDuration(r) };
        return (option, new RootCommand { option }.Parse(["--timeout", text]));
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
