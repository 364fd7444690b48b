using Kapacitor.Udf.Simulator.Input;

namespace Kapacitor.Udf.Simulator.Tests.Input;

public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData("1970-01-01T00:00:00Z", 0L)]
    [InlineData("1970-01-01T00:00:00.000000001Z", 1L)]
    [InlineData("1970-01-01T00:00:01.5Z", 1_500_000_000L)]
    [InlineData("2024-02-29T23:59:59.999999999Z", 1_709_251_199_999_999_999L)]
    [InlineData("2024-01-01T01:00:00+01:00", 1_704_067_200_000_000_000L)]
    [InlineData("1969-12-31T23:59:59.9Z", -100_000_000L)]
    [InlineData("1970-01-01T00:00:00.1234567891Z", 123_456_789L)]
    public void TryParse_GoTimeText_IsUnixNanosecondsWithoutRounding(string text, long expected)
    {
        // Act
        var problem = Rfc3339.TryParse(text, out var nanoseconds);

        // Assert
        problem.Should().BeNull();
        nanoseconds.Should().Be(expected);
    }

    [Theory]
    [InlineData("2024-01-01 00:00:00Z")]
    [InlineData("2024-01-01T00:00:00")]
    [InlineData("2024-01-01T00:00:00.Z")]
    [InlineData("2024-13-01T00:00:00Z")]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2024-01-01T00:00:00z")]
    [InlineData("1677-01-01T00:00:00Z")]
    public void TryParse_NotGoTimeOrOutOfRange_SaysWhy(string text)
    {
        // Act
        var problem = Rfc3339.TryParse(text, out _);

        // Assert
        problem.Should().NotBeNull();
    }
}
