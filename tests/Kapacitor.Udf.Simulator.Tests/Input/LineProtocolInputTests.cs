using System.Text;
using Kapacitor.Udf.Simulator.Input;
using Kapacitor.Udf.Simulator.LineProtocol;
using Kapacitor.Udf.Simulator.Tests.Support;

namespace Kapacitor.Udf.Simulator.Tests.Input;

public sealed class LineProtocolInputTests
{
    private static SimulatorInput From(string text, TimestampDefaults? defaults = null) =>
        SimulatorInput.FromLineProtocol(new MemoryStream(Encoding.UTF8.GetBytes(text)), defaults);

    [Fact]
    public async Task ReadAsync_Lines_ArePointsAndCommentsAndBlankLinesAreSkipped()
    {
        // Arrange
        using var input = From("# a comment\ncpu,host=a value=1 10\n\n  \ncpu,host=b value=2i 20\n");

        // Act
        var items = await InputReading.ReadAllAsync(input);

        // Assert
        input.IsBatches.Should().BeFalse();
        items.Select(i => (i.Point!.Tags["host"], i.Point.Time)).Should().Equal(("a", 10L), ("b", 20L));
        items[1].Point!.FieldsInt["v" + "alue"].Should().Be(2);
    }

    [Fact]
    public async Task ReadAsync_LinesWithoutTime_GetTheDefaultsAsTheWholeTextReaderGivesThem()
    {
        // Arrange
        const string text = "m v=1\nm v=2 500\nm v=3\n";
        using var input = From(text, new TimestampDefaults(100, 7));

        // Act
        var items = await InputReading.ReadAllAsync(input);

        // Assert
        items.Select(i => i.Point!.Time).Should().Equal(100L, 500L, 507L)
            .And.Equal(LineProtocolReader.Parse(text, new TimestampDefaults(100, 7)).Select(p => p.Time));
    }

    [Fact]
    public async Task ReadAsync_PlainLineAndEscapedLine_TheFirstTakenApartWhereItLiesTheOtherParsed()
    {
        // Arrange
        using var input = From("cpu,host=a value=1 10\ncpu,host=b\\ c value=2 20\n");

        // Act
        var first = await input.ReadAsync(() => ValueTask.CompletedTask, CancellationToken.None);
        var plain = first.Raw is not null;
        var second = await input.ReadAsync(() => ValueTask.CompletedTask, CancellationToken.None);

        // Assert
        plain.Should().BeTrue();
        second.Raw.Should().BeNull();
        second.Point!.Tags["host"].Should().Be("b c");
    }

    [Fact]
    public async Task ReadAsync_BadLine_ThrowsWithItsLineNumberAfterTheGoodLines()
    {
        // Arrange
        using var input = From("m v=1 1\nm v=2 2\nm v=oops 3\nm v=4 4\n");
        await input.ReadAsync(() => ValueTask.CompletedTask, CancellationToken.None);
        await input.ReadAsync(() => ValueTask.CompletedTask, CancellationToken.None);

        // Act
        var act = () => input.ReadAsync(() => ValueTask.CompletedTask, CancellationToken.None).AsTask();

        // Assert
        (await act.Should().ThrowAsync<LineProtocolException>()).Which.Line.Should().Be(3);
    }

    [Fact]
    public async Task ReadAsync_InvalidUtf8_NamesTheLineAndByte()
    {
        // Arrange
        using var input = SimulatorInput.FromLineProtocol(new MemoryStream([.. "m v=1 1\nm,t="u8, 0xff, .. " v=1 2\n"u8]));
        await input.ReadAsync(() => ValueTask.CompletedTask, CancellationToken.None);

        // Act
        var act = () => input.ReadAsync(() => ValueTask.CompletedTask, CancellationToken.None).AsTask();

        // Assert
        var error = (await act.Should().ThrowAsync<LineProtocolException>()).Which;
        error.Message.Should().Be("line 2, column 5: invalid UTF-8 (the column counts bytes)");
    }
}
