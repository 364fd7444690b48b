using Kapacitor.Udf.Simulator.LineProtocol;

namespace Kapacitor.Udf.Simulator.Tests.LineProtocol;

public sealed class LineProtocolReaderTests
{
    [Fact]
    public void Parse_FullLine_ReadsMeasurementTagsFieldsAndTime()
    {
        // Act
        var point = LineProtocolReader.Parse("cpu,host=a,region=eu value=1.5,count=7i,msg=\"hi\",ok=true 1700000000000000000").Single();

        // Assert
        point.Name.Should().Be("cpu");
        point.Tags.Should().BeEquivalentTo(new Dictionary<string, string> { ["host"] = "a", ["region"] = "eu" });
        point.FieldsDouble["value"].Should().Be(1.5);
        point.FieldsInt["count"].Should().Be(7);
        point.FieldsString["msg"].Should().Be("hi");
        point.FieldsBool["ok"].Should().BeTrue();
        point.Time.Should().Be(1_700_000_000_000_000_000);
    }

    [Theory]
    [InlineData("1", 1.0)]
    [InlineData("1.5", 1.5)]
    [InlineData("-1e3", -1000.0)]
    [InlineData("2E-2", 0.02)]
    [InlineData(".5", 0.5)]
    [InlineData("-0", -0.0)]
    public void Parse_BareNumber_IsFloat(string text, double expected)
    {
        // Act
        var point = LineProtocolReader.Parse($"m v={text}").Single();

        // Assert
        point.FieldsDouble["v"].Should().Be(expected);
        point.FieldsInt.Should().BeEmpty();
    }

    [Theory]
    [InlineData("7i", 7L)]
    [InlineData("-7i", -7L)]
    [InlineData("9223372036854775807i", long.MaxValue)]
    [InlineData("-9223372036854775808i", long.MinValue)]
    public void Parse_IntegerWithSuffix_IsInt(string text, long expected)
    {
        // Act
        var point = LineProtocolReader.Parse($"m v={text}").Single();

        // Assert
        point.FieldsInt["v"].Should().Be(expected);
    }

    [Theory]
    [InlineData("t", true)]
    [InlineData("T", true)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("f", false)]
    [InlineData("F", false)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    public void Parse_EveryBooleanSpelling_IsBool(string text, bool expected)
    {
        // Act
        var point = LineProtocolReader.Parse($"m v={text}").Single();

        // Assert
        point.FieldsBool["v"].Should().Be(expected);
    }

    [Fact]
    public void Parse_Escapes_AreRemovedWhereTheSpecAllowsThem()
    {
        // Arrange: measurement escapes comma and space; keys and tag values also escape '='; strings escape " and \.
        const string line = @"my\ meas\,x,t\ k\=1=v\,a\ b\=c f\,k\=\ 1=""say \""hi\"" C:\\dir \n"",g=1 5";

        // Act
        var point = LineProtocolReader.Parse(line).Single();

        // Assert
        point.Name.Should().Be("my meas,x");
        point.Tags.Should().ContainKey("t k=1").WhoseValue.Should().Be("v,a b=c");
        point.FieldsString["f,k= 1"].Should().Be(@"say ""hi"" C:\dir \n");
        point.FieldsDouble["g"].Should().Be(1);
    }

    [Fact]
    public void Parse_StringWithCommasSpacesAndEquals_StaysOneValue()
    {
        // Act
        var point = LineProtocolReader.Parse("m s=\"a, b=c d\",n=1i 3").Single();

        // Assert
        point.FieldsString["s"].Should().Be("a, b=c d");
        point.FieldsInt["n"].Should().Be(1);
        point.Time.Should().Be(3);
    }

    [Fact]
    public void Parse_BackslashBeforeOtherCharacters_IsKeptLiterally()
    {
        // Act
        var point = LineProtocolReader.Parse(@"m\x,t=a\b v=1").Single();

        // Assert
        point.Name.Should().Be(@"m\x");
        point.Tags["t"].Should().Be(@"a\b");
    }

    [Fact]
    public void Parse_BlankAndCommentLines_AreSkippedButCounted()
    {
        // Act
        var act = () => LineProtocolReader.Parse("# header\n\n   \nm v=1 1\n# m v=2\nm v=oops");

        // Assert
        act.Should().Throw<LineProtocolException>().Which.Line.Should().Be(6);
    }

    [Fact]
    public void Parse_MissingTimestamps_StartAtTheDefaultAndStepFromThePreviousPoint()
    {
        // Act
        var points = LineProtocolReader.Parse("m v=1\nm v=2\nm v=3 100\nm v=4", new TimestampDefaults(Start: 50, Step: 10));

        // Assert
        points.Select(p => p.Time).Should().Equal(50, 60, 100, 110);
    }

    [Fact]
    public void Parse_DefaultTimestamps_AreTheEpochOneSecondApart()
    {
        // Act
        var points = LineProtocolReader.Parse("m v=1\nm v=2");

        // Assert
        points.Select(p => p.Time).Should().Equal(0, 1_000_000_000);
    }

    [Fact]
    public void Parse_WindowsLineEndingsAndExtraSpaces_AreAccepted()
    {
        // Act
        var points = LineProtocolReader.Parse("m v=1   7  \r\n\tm v=2 8\r\n");

        // Assert
        points.Select(p => p.Time).Should().Equal(7, 8);
    }

    [Fact]
    public void Read_LargeLine_ParsesEveryField()
    {
        // Arrange
        var fields = string.Join(',', Enumerable.Range(0, 5000).Select(i => $"f{i}={i}i"));

        // Act
        var point = LineProtocolReader.Parse($"m {fields} 1").Single();

        // Assert
        point.FieldsInt.Should().HaveCount(5000);
        point.FieldsInt["f4999"].Should().Be(4999);
    }

    [Theory]
    [InlineData("m v=1u", 6, "unsigned integer value \"1u\" for field \"v\": Kapacitor's UDF protocol has no unsigned field type (use the i suffix for a signed integer)")]
    [InlineData("cpu", 4, "expected a space and then field=value pairs after measurement \"cpu\"")]
    [InlineData("cpu,host=a", 11, "expected a space and then field=value pairs")]
    [InlineData(",t=a v=1", 1, "expected a measurement name")]
    [InlineData("m,t v=1", 4, "expected '=' after tag key \"t\"")]
    [InlineData("m,t= v=1", 5, "expected a value for tag \"t\"")]
    [InlineData("m,=a v=1", 3, "expected a tag key after ','")]
    [InlineData("m,t=a=b v=1", 6, "unexpected '=' in the value of tag \"t\" (escape it as \\=)")]
    [InlineData("m,t=a,t=b v=1", 7, "duplicate tag key \"t\"")]
    [InlineData("m v", 4, "expected '=' after field key \"v\"")]
    [InlineData("m =1", 3, "expected a field key")]
    [InlineData("m v=", 5, "expected a value for field \"v\" (a number, an integer like 7i, a \"string\" or a boolean)")]
    [InlineData("m v=1,v=2", 7, "duplicate field key \"v\"")]
    [InlineData("m v=\"abc", 5, "unterminated string value for field \"v\" (expected a closing '\"'; escape quotes inside as \\\")")]
    [InlineData("m v=tru", 5, "invalid value \"tru\" for field \"v\" (expected a boolean: t, T, true, True, TRUE, f, F, false, False or FALSE; strings need double quotes)")]
    [InlineData("m v=1.2.3", 5, "invalid number \"1.2.3\" for field \"v\" (expected a float like 1, 1.5 or -1e3, or an integer like 7i)")]
    [InlineData("m v=1.5i", 5, "invalid integer \"1.5i\" for field \"v\" (expected digits, optionally preceded by '-', then 'i')")]
    [InlineData("m v=9223372036854775808i", 5, "integer \"9223372036854775808i\" for field \"v\" is out of range for a 64-bit signed integer")]
    [InlineData("m v=abc", 5, "expected a value for field \"v\" (a number, an integer like 7i, a \"string\" or a boolean), got 'a'")]
    [InlineData("m v=1;w=2", 5, "invalid number \"1;w=2\" for field \"v\" (expected a float like 1, 1.5 or -1e3, or an integer like 7i)")]
    [InlineData("m v=1 12x", 7, "expected a timestamp in integer nanoseconds since the Unix epoch, got \"12x\"")]
    [InlineData("m v=1 12 13", 10, "unexpected text after the timestamp (expected the end of the line)")]
    public void ParseLine_Malformed_ReportsLineColumnAndWhatWasExpected(string line, int column, string problem)
    {
        // Act
        var act = () => LineProtocolReader.ParseLine(line, 3, out _);

        // Assert
        var error = act.Should().Throw<LineProtocolException>().Which;
        error.Problem.Should().Be(problem);
        error.Line.Should().Be(3);
        error.Column.Should().Be(column);
        error.Message.Should().Be($"line 3, column {column}: {problem}");
    }
}
