using System.Buffers;
using System.Text;
using Google.Protobuf;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.LineProtocol;

namespace Kapacitor.Udf.Simulator.Tests.LineProtocol;

// The fast path of --format lp against LineProtocolWriter: whatever it writes is the writer's line, byte for byte.
public sealed class PointLineFormatterTests
{
    private static string? Fast(byte[] message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        return PointLineFormatter.TryFormat(message, buffer) ? Encoding.UTF8.GetString(buffer.WrittenSpan) : null;
    }

    private static string Ordinary(byte[] message) => LineProtocolWriter.Format(Point.Parser.ParseFrom(message)) + "\n";

    [Fact]
    public void TryFormat_UdfOutputPoint_IsTheWritersLine()
    {
        // Arrange: a point as the moving average sends it back, every grouping field set.
        var point = new Point { Name = "cpu", Database = "db", RetentionPolicy = "rp", Group = "host=a", ByName = true, Time = 1_700_000_000_000_000_000 };
        point.Dimensions.Add("host");
        point.Tags.Add(new Dictionary<string, string> { ["host"] = "a", ["dc"] = "x y", ["e"] = "" });
        point.FieldsDouble["avg"] = 54.2;
        point.FieldsInt["n"] = -7;
        point.FieldsString["s"] = "say \"hi\" \\ ,=";
        point.FieldsBool["ok"] = true;
        var message = point.ToByteArray();

        // Act
        var fast = Fast(message);

        // Assert
        fast.Should().Be(Ordinary(message)).And.Be("cpu,dc=x\\ y,host=a avg=54.2,n=-7i,s=\"say \\\"hi\\\" \\\\ ,=\",ok=true 1700000000000000000\n");
    }

    [Fact]
    public void TryFormat_GeneratedPoints_TakenOrNotAlwaysTheWritersLine()
    {
        // Arrange: a fixed seed, so a failure repeats.
        var random = new Random(13);
        string Pick(params string[] options) => options[random.Next(options.Length)];
        var taken = 0;
        for (var n = 0; n < 5000; n++)
        {
            var point = new Point { Name = Pick("cpu", "m,x", "with space", "ñ", ""), Time = random.Next(3) == 0 ? 0 : random.NextInt64(long.MinValue, long.MaxValue) };
            for (var i = random.Next(4); i > 0; i--)
            {
                point.Tags[Pick("host", "a=b", "z", "ü", "")] = Pick("a", "", "x,y", "=");
            }

            for (var i = random.Next(4); i > 0; i--)
            {
                var key = Pick("value", "v w", "n", "é", "");
                switch (random.Next(4))
                {
                    case 0:
                        point.FieldsDouble[key] = random.Next(6) switch
                        {
                            0 => 0.0,
                            1 => -0.0,
                            2 => 1e21,
                            3 => 0.00001,
                            4 => double.NaN,
                            _ => Math.Round(random.NextDouble() * 200 - 100, random.Next(6)),
                        };
                        break;
                    case 1:
                        point.FieldsInt[key] = random.Next(3) == 0 ? long.MinValue : random.NextInt64(-1000, 1000);
                        break;
                    case 2:
                        point.FieldsString[key] = Pick("", "text", "q\"uote", "back\\slash");
                        break;
                    default:
                        point.FieldsBool[key] = random.Next(2) == 0;
                        break;
                }
            }

            var message = point.ToByteArray();

            // Act
            var fast = Fast(message);

            // Assert
            if (fast is not null)
            {
                taken++;
                fast.Should().Be(Ordinary(message), point.ToString());
            }
        }

        taken.Should().BeGreaterThan(1000, "most generated points are ordinary");
    }

    [Theory]
    [InlineData("duplicate tag key", new byte[] { 0x12, 0x01, (byte)'m', 0x3A, 0x06, 0x0A, 0x01, (byte)'k', 0x12, 0x01, (byte)'a', 0x3A, 0x06, 0x0A, 0x01, (byte)'k', 0x12, 0x01, (byte)'b', 0x42, 0x0C, 0x0A, 0x01, (byte)'v', 0x11, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F })]
    [InlineData("unknown field 13", new byte[] { 0x12, 0x01, (byte)'m', 0x42, 0x0C, 0x0A, 0x01, (byte)'v', 0x11, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x68, 0x01 })]
    [InlineData("no fields", new byte[] { 0x12, 0x01, (byte)'m' })]
    [InlineData("invalid UTF-8 in the database", new byte[] { 0x12, 0x01, (byte)'m', 0x1A, 0x01, 0xFF, 0x42, 0x0C, 0x0A, 0x01, (byte)'v', 0x11, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F })]
    [InlineData("a truncated value", new byte[] { 0x12, 0x01, (byte)'m', 0x42, 0x0C, 0x0A, 0x01, (byte)'v', 0x11, 0, 0 })]
    public void TryFormat_WhatItCannotWriteTheSameWay_IsDeclinedWithNothingWritten(string what, byte[] message)
    {
        // Act
        var buffer = new ArrayBufferWriter<byte>();
        var taken = PointLineFormatter.TryFormat(message, buffer);

        // Assert
        taken.Should().BeFalse(what);
        buffer.WrittenCount.Should().Be(0);
    }

    [Fact]
    public void TryFormat_MapEntryWithoutKeyOrValue_TakesTheDefaultsAsGoogleProtobufDoes()
    {
        // Arrange: fieldsDouble {key "v", no value} and tags {no key, value "a"}.
        byte[] message = [0x12, 0x01, (byte)'m', 0x3A, 0x03, 0x12, 0x01, (byte)'a', 0x42, 0x03, 0x0A, 0x01, (byte)'v'];

        // Act
        var fast = Fast(message);

        // Assert
        fast.Should().Be(Ordinary(message)).And.Be("m,=a v=0 0\n");
    }
}
