using System.Buffers;
using System.Globalization;
using System.Text;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Simulator.Input;
using Kapacitor.Udf.Simulator.LineProtocol;

namespace Kapacitor.Udf.Simulator.Tests.Engine;

// The fast path (RawPoint + RawPointEncoder) against the ordinary one (LineParser + PointGrouper + Google.Protobuf):
// whatever line the fast path takes, its frame must be byte for byte the ordinary one.
public sealed class RawPointEncoderTests
{
    private static readonly PointGrouper[] Groupers =
    [
        new([], byMeasurement: false, "mydb", "autogen"),
        new(["host"], byMeasurement: false, "telegraf", "weekly"),
        new(["region", "host", "missing"], byMeasurement: true, "db", "rp"),
        new(["*"], byMeasurement: false, "db", "rp"),
        new(["*"], byMeasurement: true, "db", "rp"),
        new([], byMeasurement: true, "db", "rp"),
    ];

    private static byte[] Ordinary(string line, PointGrouper grouper, string? database = null, string? retentionPolicy = null)
    {
        var point = LineProtocolReader.ParseLine(line, 1, out _)!;
        point.Database = database ?? string.Empty;
        point.RetentionPolicy = retentionPolicy ?? string.Empty;
        var buffer = new ArrayBufferWriter<byte>();
        VarintFrame.WriteFrame(buffer, new Request { Point = grouper.ToStreamPoint(point) });
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[]? Fast(string line, PointGrouper grouper, string? database = null, string? retentionPolicy = null)
    {
        var raw = new RawPoint();
        if (!raw.TryParse(Encoding.UTF8.GetBytes(line)))
        {
            return null;
        }

        raw.Database = Encoding.UTF8.GetBytes(database ?? string.Empty);
        raw.RetentionPolicy = Encoding.UTF8.GetBytes(retentionPolicy ?? string.Empty);
        var encoder = new RawPointEncoder(grouper);
        if (!encoder.CanWrite(raw))
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        encoder.Write(buffer, raw);
        return buffer.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData("cpu,host=a,region=eu value=1.5,n=7i,s=\"a b,c=d\",ok=true 1700000000000000000")]
    [InlineData("cpu value=0,z=-0,i=0i,e=\"\",f=false,t=T -5")]
    [InlineData("mëasure,tåg=vålue fïeld=1e3")]
    [InlineData("m,b=2,a=1 x=.5,y=-1.5E-3,z=9223372036854775807i,w=-9223372036854775808i   12   ")]
    [InlineData("m  v=1")]
    [InlineData("m v=1,v2=1 0")]
    public void Write_PlainLine_IsTheOrdinaryFrameByteForByte(string line)
    {
        new RawPoint().TryParse(Encoding.UTF8.GetBytes(line)).Should().BeTrue($"'{line}' is a plain line");
        foreach (var grouper in Groupers)
        {
            // Act
            var fast = Fast(line, grouper);

            // Assert
            if (fast is null)
            {
                grouper.Dimensions.Should().BeEmpty("only groupBy('*') with non-ASCII tag keys is left to strings");
                line.Should().MatchRegex("[^\\x00-\\x7f]");
                continue;
            }

            fast.Should().Equal(Ordinary(line, grouper), $"'{line}' grouped by [{string.Join(",", grouper.Dimensions)}]");
        }
    }

    [Fact]
    public void Write_RecordedDatabaseAndRetentionPolicy_AreKept()
    {
        // Act
        var fast = Fast("cpu,host=a v=1 1", Groupers[1], "telegraf", "autogen");

        // Assert
        fast.Should().Equal(Ordinary("cpu,host=a v=1 1", Groupers[1], "telegraf", "autogen"));
    }

    [Theory]
    [InlineData("m\\ x v=1")]
    [InlineData("m,t=a,t=b v=1")]
    [InlineData("m v=1,v=2")]
    [InlineData("m v=1u")]
    [InlineData("m v=99999999999999999999i")]
    [InlineData("m v=1e999")]
    [InlineData("m v=\"unterminated")]
    [InlineData("m v=yes")]
    [InlineData("m,t= v=1")]
    [InlineData("m,t=a=b v=1")]
    [InlineData("m v=1 12x")]
    [InlineData("m v=1 1 2")]
    [InlineData(" m v=1")]
    [InlineData("# comment")]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("m ")]
    [InlineData("m v=")]
    [InlineData("m v=1,")]
    public void TryParse_LineThatIsNotPlain_IsLeftToTheOrdinaryParser(string line)
    {
        // Act
        var taken = new RawPoint().TryParse(Encoding.UTF8.GetBytes(line));

        // Assert
        taken.Should().BeFalse();
    }

    [Fact]
    public void CanWrite_GroupByAllTagsWithNonAsciiKeys_LeavesTheOrderingToStrings()
    {
        // Arrange: ordinal order on UTF-16 and on UTF-8 differ only beyond ASCII.
        var raw = new RawPoint();
        raw.TryParse("m,é=1,z=2 v=1"u8).Should().BeTrue();

        // Act, Assert
        new RawPointEncoder(Groupers[3]).CanWrite(raw).Should().BeFalse();
        new RawPointEncoder(Groupers[1]).CanWrite(raw).Should().BeTrue();
    }

    [Fact]
    public void Write_GeneratedLines_TakenOrNotAlwaysTheOrdinaryFrame()
    {
        // Arrange: many random lines over the grammar's corners; a fixed seed, so a failure repeats.
        var random = new Random(13);
        string Pick(params string[] options) => options[random.Next(options.Length)];
        var taken = 0;

        for (var n = 0; n < 5000; n++)
        {
            var tags = string.Concat(Enumerable.Range(0, random.Next(4)).Select(_ => $",{Pick("host", "region", "dc", "é", "a")}={Pick("a", "b", "x y", "ü")}"));
            var fields = string.Join(',', Enumerable.Range(0, 1 + random.Next(4)).Select(i =>
                $"{Pick("value", "n", "s", "b", "v" + i)}={Pick("1", "-1.5", ".5", "1e3", "2E-2", "0", "-0", "7i", "-9i", "0i", "\"text, with=all\"", "\"\"", "t", "FALSE", "1.7976931348623157e308")}"));
            var time = Pick("", " 0", " 1700000000000000000", " -1", "  42  ");
            var line = $"{Pick("cpu", "mem", "m=x", "ñ")}{tags} {fields}{time}";

            foreach (var grouper in Groupers)
            {
                // Act
                var fast = Fast(line, grouper);
                byte[]? ordinary;
                try
                {
                    ordinary = Ordinary(line, grouper);
                }
                catch (LineProtocolException)
                {
                    ordinary = null;
                }

                // Assert
                if (fast is not null)
                {
                    taken++;
                    ordinary.Should().NotBeNull($"the fast path took '{line}', so it must be valid");
                    fast.Should().Equal(ordinary, $"'{line}' grouped by [{string.Join(",", grouper.Dimensions)}]");
                }
            }
        }

        taken.Should().BeGreaterThan(5000, "most generated lines are plain");
        taken.ToString(CultureInfo.InvariantCulture).Should().NotBeEmpty();
    }
}
