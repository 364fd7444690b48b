using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;

namespace Kapacitor.Udf.Tests.Testing;

public class TickOptionsTests
{
    [Theory]
    [InlineData("'text'", Protocol.ValueType.String, "text")]
    [InlineData(@"'it\'s'", Protocol.ValueType.String, "it's")]
    [InlineData("'''raw \\n'''", Protocol.ValueType.String, "raw \\n")]
    [InlineData("10", Protocol.ValueType.Int, 10L)]
    [InlineData("-10", Protocol.ValueType.Int, -10L)]
    [InlineData("010", Protocol.ValueType.Int, 8L)]
    [InlineData("1.5", Protocol.ValueType.Double, 1.5)]
    [InlineData("10.0", Protocol.ValueType.Double, 10.0)]
    [InlineData("-0.25", Protocol.ValueType.Double, -0.25)]
    [InlineData("TRUE", Protocol.ValueType.Bool, true)]
    [InlineData("FALSE", Protocol.ValueType.Bool, false)]
    [InlineData("1u", Protocol.ValueType.Duration, 1_000L)]
    [InlineData("1µ", Protocol.ValueType.Duration, 1_000L)]
    [InlineData("5ms", Protocol.ValueType.Duration, 5_000_000L)]
    [InlineData("10s", Protocol.ValueType.Duration, 10_000_000_000L)]
    [InlineData("-10s", Protocol.ValueType.Duration, -10_000_000_000L)]
    [InlineData("2m", Protocol.ValueType.Duration, 120_000_000_000L)]
    [InlineData("1h", Protocol.ValueType.Duration, 3_600_000_000_000L)]
    [InlineData("1d", Protocol.ValueType.Duration, 86_400_000_000_000L)]
    [InlineData("1w", Protocol.ValueType.Duration, 604_800_000_000_000L)]
    public void Parse_Literal_GetsKapacitorsTypeAndValue(string literal, Protocol.ValueType type, object value)
    {
        var option = TickOptions.Parse([$".opt({literal})"]).Single();

        option.Name.Should().Be("opt");
        var parsed = option.Values.Single();
        parsed.Type.Should().Be(type);
        object actual = parsed.ValueCase switch
        {
            OptionValue.ValueOneofCase.StringValue => parsed.StringValue,
            OptionValue.ValueOneofCase.IntValue => parsed.IntValue,
            OptionValue.ValueOneofCase.DoubleValue => parsed.DoubleValue,
            OptionValue.ValueOneofCase.BoolValue => parsed.BoolValue,
            _ => parsed.DurationValue,
        };
        actual.Should().Be(value);
    }

    [Theory]
    [InlineData("\"value\"")]
    [InlineData("lambda: \"value\" > 10")]
    [InlineData("lambda: strContains(\"host\", 'a,b')")]
    [InlineData("/cpu.*/")]
    [InlineData("*")]
    public void Parse_ReferenceLambdaRegexOrStar_IsABoolWithNoValue(string argument)
    {
        // Reference §2.3: they fall through Kapacitor's type switch (#767).
        var value = TickOptions.Parse([$"field({argument})"]).Single().Values.Single();

        value.Type.Should().Be(Protocol.ValueType.Bool);
        value.ValueCase.Should().Be(OptionValue.ValueOneofCase.None);
    }

    [Fact]
    public void Parse_SeveralArgumentsAndASingleList_AreTheSame()
    {
        var options = TickOptions.Parse([".tags('a', 'b')", ".tags(['a','b'])", " flag ( ) "]);

        options[0].Should().Be(options[1]);
        options[2].Should().Be(new Option { Name = "flag" });
    }

    [Theory]
    [InlineData("size(", "at column 6: expected an argument")]
    [InlineData("size(1.2.3)", "at column 9: multiple decimals in number")]
    [InlineData("field(value)", "at column 7: undefined name value*")]
    [InlineData("(1)", "at column 1: expected an option name*")]
    public void Parse_NotTickScript_NamesTheColumnAndTheProblem(string call, string problem)
    {
        // The simulator's parser (OptionCallTests covers it in full): a test accepts exactly what a simulated task does.
        var parse = () => TickOptions.Parse([call]);

        parse.Should().Throw<FormatException>().WithMessage($"invalid option expression \"{call}\" {problem}");
    }

    [Fact]
    public void Bind_MatchingCalls_GiveOneOptionPerCallInOrder()
    {
        var options = TickOptions.Bind([".size(3)", ".field('v')", ".size(4)", ".range([1.0, 2.0])", ".on(\"ref\")"], Info());

        options.Select(o => o.Name).Should().Equal("size", "field", "size", "range", "on");
        options[3].Values.Select(v => v.DoubleValue).Should().Equal(1.0, 2.0);
        options[4].Values.Single().ValueCase.Should().Be(OptionValue.ValueOneofCase.None, "a reference passes for a BOOL option");
    }

    [Theory]
    [InlineData(".sise(3)", "no method or property \"sise\" on *pipeline.UDFNode")]
    [InlineData(".size(3, 4)", "unexpected number of args to size, got 2 expected 1")]
    [InlineData(".range(1.0)", "unexpected number of args to range, got 1 expected 2")]
    [InlineData(".size(10.0)", "unexpected arg to size, got DOUBLE expected INT")]
    [InlineData(".range(1, 2.0)", "unexpected arg to range, got INT expected DOUBLE")]
    [InlineData(".field(\"value\")", "unexpected arg to field, got BOOL expected STRING")]
    public void Bind_MismatchingCalls_FailWithKapacitorsDefineError(string call, string message)
    {
        var bind = () => TickOptions.Bind([call], Info());

        bind.Should().Throw<UdfDefineException>().WithMessage(message);
    }

    private static InfoResponse Info() => new()
    {
        Options =
        {
            ["size"] = new OptionInfo { ValueTypes = { Protocol.ValueType.Int } },
            ["field"] = new OptionInfo { ValueTypes = { Protocol.ValueType.String } },
            ["range"] = new OptionInfo { ValueTypes = { Protocol.ValueType.Double, Protocol.ValueType.Double } },
            ["on"] = new OptionInfo { ValueTypes = { Protocol.ValueType.Bool } },
        },
    };
}
