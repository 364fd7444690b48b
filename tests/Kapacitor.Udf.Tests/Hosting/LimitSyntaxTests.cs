
namespace Kapacitor.Udf.Tests.Hosting;

public class LimitSyntaxTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("500ms", 500 * TimeSpan.TicksPerMillisecond)]
    [InlineData("10s", 10 * TimeSpan.TicksPerSecond)]
    [InlineData("5m", 5 * TimeSpan.TicksPerMinute)]
    [InlineData("1h", TimeSpan.TicksPerHour)]
    [InlineData("1h30m", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("1.5s", 1500 * TimeSpan.TicksPerMillisecond)]
    [InlineData("2d", 2 * TimeSpan.TicksPerDay)]
    [InlineData("1w", 7 * TimeSpan.TicksPerDay)]
    [InlineData("250us", 250 * TimeSpan.TicksPerMicrosecond)]
    [InlineData("250µs", 250 * TimeSpan.TicksPerMicrosecond)]
    [InlineData("250u", 250 * TimeSpan.TicksPerMicrosecond)]
    [InlineData("250µ", 250 * TimeSpan.TicksPerMicrosecond)]
    [InlineData("1000000ns", TimeSpan.TicksPerMillisecond)]
    [InlineData("300ns", 3L)]
    [InlineData("0s", 0L)]
    public void TryParseDuration_GoAndKapacitorForms_Parsed(string text, long ticks)
    {
        LimitSyntax.TryParseDuration(text, out var value).Should().BeTrue();

        value.Should().Be(TimeSpan.FromTicks(ticks));
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("-5s")]
    [InlineData("+5s")]
    [InlineData("5x")]
    [InlineData("s")]
    [InlineData("5 m")]
    [InlineData("1.2.3s")]
    [InlineData("5M")]
    [InlineData("00:05:00")]
    [InlineData("99999999999999999999999h")]
    [InlineData("10675200d")]
    public void TryParseDuration_NotADuration_Refused(string text)
    {
        LimitSyntax.TryParseDuration(text, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(5 * TimeSpan.TicksPerMinute, "5m")]
    [InlineData(90 * TimeSpan.TicksPerSecond, "1m30s")]
    [InlineData(5 * TimeSpan.TicksPerMillisecond, "5ms")]
    [InlineData(5 * TimeSpan.TicksPerMicrosecond, "5us")]
    [InlineData(3L, "300ns")]
    [InlineData(50 * TimeSpan.TicksPerHour, "50h")]
    public void FormatDuration_Value_ReadsBackTheSame(long ticks, string expected)
    {
        var text = LimitSyntax.FormatDuration(TimeSpan.FromTicks(ticks));

        text.Should().Be(expected);
        LimitSyntax.TryParseDuration(text, out var back).Should().BeTrue();
        back.Ticks.Should().Be(ticks);
    }

    [Theory]
    [InlineData("65536", 65536L)]
    [InlineData("64KiB", 65536L)]
    [InlineData("64kib", 65536L)]
    [InlineData("64MiB", 64L << 20)]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("10B", 10L)]
    [InlineData("99999999999999999999", long.MaxValue)]
    [InlineData("9999999999999GiB", long.MaxValue)]
    public void TryParseSize_BytesOrBinarySuffix_Parsed(string text, long expected)
    {
        LimitSyntax.TryParseSize(text, out var value).Should().BeTrue();

        value.Should().Be(expected, "a value beyond long reads as long.MaxValue, which every range refuses");
    }

    [Theory]
    [InlineData("")]
    [InlineData("64MB")]
    [InlineData("64K")]
    [InlineData("1.5MiB")]
    [InlineData("-1")]
    [InlineData("KiB")]
    [InlineData("64 KiB")]
    public void TryParseSize_NotASize_Refused(string text)
    {
        LimitSyntax.TryParseSize(text, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(67108864L, "64MiB")]
    [InlineData(65536L, "64KiB")]
    [InlineData(1048576L, "1MiB")]
    [InlineData(1000L, "1000")]
    [InlineData(2147483647L, "2147483647")]
    public void FormatSize_Value_ReadsBackTheSame(long bytes, string expected)
    {
        LimitSyntax.FormatSize(bytes).Should().Be(expected);
        LimitSyntax.TryParseSize(expected, out var back).Should().BeTrue();
        back.Should().Be(bytes);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("2147483648", true)]
    [InlineData("", false)]
    [InlineData("-1", false)]
    [InlineData("1_000", false)]
    [InlineData("1e3", false)]
    public void TryParseCount_Text_ParsedOnlyWhenAWholeNumber(string text, bool parsed)
    {
        LimitSyntax.TryParseCount(text, out _).Should().Be(parsed);
    }

    [Theory]
    [InlineData("0660", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite)]
    [InlineData("600", UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    public void TryParseMode_Octal_Parsed(string text, UnixFileMode expected)
    {
        LimitSyntax.TryParseMode(text, out var mode).Should().BeTrue();

        mode.Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("66")]
    [InlineData("0680")]
    [InlineData("00660")]
    [InlineData("rw-rw----")]
    public void TryParseMode_NotOctal_Refused(string text)
    {
        LimitSyntax.TryParseMode(text, out _).Should().BeFalse();
    }
}
