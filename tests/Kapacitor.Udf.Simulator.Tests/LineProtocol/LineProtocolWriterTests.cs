using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Simulator.LineProtocol;

namespace Kapacitor.Udf.Simulator.Tests.LineProtocol;

public sealed class LineProtocolWriterTests
{
    [Fact]
    public void Format_EveryFieldType_WritesDoublesIntsStringsBoolsEachInKeyOrder()
    {
        // Arrange
        var point = new Point { Name = "cpu", Time = 42 };
        point.Tags["z"] = "1";
        point.Tags["a"] = "2";
        point.FieldsBool["b2"] = false;
        point.FieldsBool["b1"] = true;
        point.FieldsString["s"] = "x";
        point.FieldsInt["i2"] = -3;
        point.FieldsInt["i1"] = 4;
        point.FieldsDouble["d2"] = 1;
        point.FieldsDouble["d1"] = 0.5;

        // Act
        var line = LineProtocolWriter.Format(point);

        // Assert
        line.Should().Be("cpu,a=2,z=1 d1=0.5,d2=1,i1=4i,i2=-3i,s=\"x\",b1=true,b2=false 42");
    }

    [Fact]
    public void Format_SpecialCharacters_AreEscaped()
    {
        // Arrange
        var point = new Point { Name = "my meas,x", Time = 1 };
        point.Tags["t k=1"] = "v,a b=c";
        point.FieldsString["f,k= 1"] = "say \"hi\" C:\\dir";

        // Act
        var line = LineProtocolWriter.Format(point);

        // Assert
        line.Should().Be(@"my\ meas\,x,t\ k\=1=v\,a\ b\=c f\,k\=\ 1=""say \""hi\"" C:\\dir"" 1");
    }

    [Fact]
    public void Format_ThenParse_RoundTrips()
    {
        // Arrange
        const string line = @"m\ 1,t\,=a\=b f=1.25,g=-7i,s=""q\""\\"",b=true -5";
        var point = LineProtocolReader.Parse(line).Single();

        // Act
        var written = LineProtocolWriter.Format(point);

        // Assert
        LineProtocolReader.Parse(written).Single().Should().Be(point);
    }

    [Theory]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(1.5e-5, "0.000015")]
    [InlineData(-2.5e20, "-250000000000000000000")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(0.10000000000000009, "0.10000000000000009")]
    [InlineData(3.0, "3")]
    public void FormatFloat_AnyValue_IsShortestRoundTripWithoutExponent(double value, string expected)
    {
        // Act
        var text = LineProtocolWriter.FormatFloat(value);

        // Assert
        text.Should().Be(expected);
        double.Parse(text, System.Globalization.CultureInfo.InvariantCulture).Should().Be(value);
    }

    [Fact]
    public void Format_NameOverride_UsesItForBatchPoints()
    {
        // Arrange
        var point = new Point { Time = 1 };
        point.FieldsDouble["v"] = 2;

        // Act
        var line = LineProtocolWriter.Format(point, "batchname");

        // Assert
        line.Should().Be("batchname v=2 1");
    }

    [Fact]
    public void Format_NoNameOrNoFields_WritesAComment()
    {
        // Arrange
        var nameless = new Point { Time = 1 };
        nameless.FieldsDouble["v"] = 2;
        var fieldless = new Point { Name = "m", Time = 1 };
        fieldless.Tags["empty"] = string.Empty;

        // Act
        var lines = new[] { LineProtocolWriter.Format(nameless), LineProtocolWriter.Format(fieldless) };

        // Assert
        lines.Should().Equal("# point without a measurement name: \"\" v=2 1", "# point without fields: m  1");
    }
}
