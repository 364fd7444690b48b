using System.IO.Pipelines;
using System.Text;
using Kapacitor.Udf.Simulator.Input;
using static Kapacitor.Udf.Simulator.Tests.Support.TestData;

namespace Kapacitor.Udf.Simulator.Tests.Input;

public sealed class LineReaderTests
{
    private static async Task<List<string>> ReadAllAsync(LineReader reader)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync(() => ValueTask.CompletedTask, CancellationToken.None) is { } line)
        {
            lines.Add(Encoding.UTF8.GetString(line.Span));
        }

        return lines;
    }

    [Fact]
    public async Task ReadLineAsync_LinesAcrossBlocks_ComeOutWholeWithCrLfAndTheLastUnterminatedLine()
    {
        // Arrange: lines that straddle the 64 KiB blocks.
        var lines = Enumerable.Range(0, 5000).Select(i => new string((char)('a' + (i % 26)), i % 97) + i).ToList();
        var text = string.Join("\r\n", lines);
        using var reader = new LineReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));

        // Act
        var read = await ReadAllAsync(reader);

        // Assert
        read.Should().Equal(lines);
        reader.LineNumber.Should().Be(5000);
    }

    [Theory]
    [InlineData("")]
    [InlineData("one\n")]
    [InlineData("one\ntwo\n")]
    public async Task ReadLineAsync_AtTheEnd_ReturnsNullAgainAndAgain(string text)
    {
        // Arrange: a regression: null once converted to an empty line through byte[] and the input never ended.
        using var reader = new LineReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        await ReadAllAsync(reader);

        // Act
        var again = await reader.ReadLineAsync(() => ValueTask.CompletedTask, CancellationToken.None);

        // Assert
        again.Should().BeNull();
    }

    [Fact]
    public async Task ReadLineAsync_LineOffset_IsTheByteOffsetOfTheLine()
    {
        // Arrange
        using var reader = new LineReader(new MemoryStream(Encoding.UTF8.GetBytes("ab\ncdé\nfg")));
        await reader.ReadLineAsync(() => ValueTask.CompletedTask, CancellationToken.None);
        await reader.ReadLineAsync(() => ValueTask.CompletedTask, CancellationToken.None);

        // Act
        await reader.ReadLineAsync(() => ValueTask.CompletedTask, CancellationToken.None);

        // Assert
        reader.LineNumber.Should().Be(3);
        reader.LineOffset.Should().Be(3 + 5, "é is two bytes");
    }

    [Fact]
    public async Task ReadLineAsync_LiveSource_CallsIdleBeforeWaitingAndReturnsEachLineAsItArrives()
    {
        // Arrange
        var pipe = new Pipe();
        using var reader = new LineReader(pipe.Reader.AsStream());
        var idles = 0;
        Func<ValueTask> idle = () =>
        {
            idles++;
            return ValueTask.CompletedTask;
        };

        // Act
        var first = reader.ReadLineAsync(idle, CancellationToken.None).AsTask();
        await pipe.Writer.WriteAsync("one\n"u8.ToArray());
        var one = Encoding.UTF8.GetString((await first.WaitAsync(Hang))!.Value.Span);
        var second = reader.ReadLineAsync(idle, CancellationToken.None).AsTask();
        var pending = second.IsCompleted;
        await pipe.Writer.WriteAsync("two\n"u8.ToArray());
        var two = Encoding.UTF8.GetString((await second.WaitAsync(Hang))!.Value.Span);

        // Assert
        one.Should().Be("one");
        pending.Should().BeFalse("the second line has not been written yet");
        two.Should().Be("two");
        idles.Should().Be(2, "once before each wait for the source");
    }

    [Fact]
    public async Task ReadLineAsync_Stop_AbandonsAReadThatIgnoresCancellation()
    {
        // Arrange: a source that never answers and ignores the token, like a console read.
        using var reader = new LineReader(new NeverStream());
        using var stop = new CancellationTokenSource();
        var read = reader.ReadLineAsync(() => ValueTask.CompletedTask, stop.Token).AsTask();

        // Act
        await stop.CancelAsync();

        // Assert
        await read.Invoking(r => r.WaitAsync(Hang)).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task ReadLineAsync_LineLongerThanTheLimit_IsAnErrorNotAnEverGrowingBuffer()
    {
        // Arrange: a stream of 'x' without a newline, never materialized.
        using var reader = new LineReader(new EndlessStream((byte)'x'));

        // Act
        var act = () => reader.ReadLineAsync(() => ValueTask.CompletedTask, CancellationToken.None).AsTask().WaitAsync(Hang);

        // Assert
        (await act.Should().ThrowAsync<FormatException>()).Which.Message.Should().Be("the line is longer than 64 MiB");
    }

    private sealed class NeverStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(new TaskCompletionSource<int>().Task);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class EndlessStream(byte fill) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            buffer.Span.Fill(fill);
            return ValueTask.FromResult(buffer.Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
