using Kapacitor.Udf.TickScript;
using ValueType = Kapacitor.Udf.Protocol.ValueType;

namespace Kapacitor.Udf.Tests.TickScript;

public sealed class OptionCallTests
{
    [Theory]
    [InlineData("size(10)", ValueType.Int, 10L)]
    [InlineData("size(-3)", ValueType.Int, -3L)]
    [InlineData("size(010)", ValueType.Int, 8L)]
    [InlineData("period(10s)", ValueType.Duration, 10_000_000_000L)]
    [InlineData("period(5ms)", ValueType.Duration, 5_000_000L)]
    [InlineData("period(7u)", ValueType.Duration, 7_000L)]
    [InlineData("period(7µ)", ValueType.Duration, 7_000L)]
    [InlineData("period(2m)", ValueType.Duration, 120_000_000_000L)]
    [InlineData("period(1h)", ValueType.Duration, 3_600_000_000_000L)]
    [InlineData("period(1d)", ValueType.Duration, 86_400_000_000_000L)]
    [InlineData("period(1w)", ValueType.Duration, 604_800_000_000_000L)]
    [InlineData("period(-1s)", ValueType.Duration, -1_000_000_000L)]
    public void Parse_IntegerOrDuration_MapsToItsOptionValue(string expression, ValueType type, long expected)
    {
        // Act
        var value = OptionCall.Parse(expression).Arguments.Single().ToOptionValue();

        // Assert
        value.Type.Should().Be(type);
        (type == ValueType.Int ? value.IntValue : value.DurationValue).Should().Be(expected);
    }

    [Theory]
    [InlineData("scale(1.5)", 1.5)]
    [InlineData("scale(10.0)", 10.0)]
    [InlineData("scale(.5)", 0.5)]
    [InlineData("scale(-2.25)", -2.25)]
    public void Parse_FloatLiteral_IsDouble(string expression, double expected)
    {
        // Act
        var value = OptionCall.Parse(expression).Arguments.Single().ToOptionValue();

        // Assert
        value.Type.Should().Be(ValueType.Double);
        value.DoubleValue.Should().Be(expected);
    }

    [Theory]
    [InlineData("field('value')", "value")]
    [InlineData(@"field('it\'s')", "it's")]
    [InlineData(@"field('a\b')", @"a\b")]
    [InlineData("field('')", "")]
    [InlineData("field('''raw 'quoted' \\n''')", "raw 'quoted' \\n")]
    public void Parse_SingleQuotedString_IsStringWithTickScriptEscapes(string expression, string expected)
    {
        // Act
        var value = OptionCall.Parse(expression).Arguments.Single().ToOptionValue();

        // Assert
        value.Type.Should().Be(ValueType.String);
        value.StringValue.Should().Be(expected);
    }

    [Theory]
    [InlineData("flag(TRUE)", true)]
    [InlineData("flag(FALSE)", false)]
    public void Parse_Keyword_IsBool(string expression, bool expected)
    {
        // Act
        var value = OptionCall.Parse(expression).Arguments.Single().ToOptionValue();

        // Assert
        value.Type.Should().Be(ValueType.Bool);
        value.BoolValue.Should().Be(expected);
    }

    [Theory]
    [InlineData("x(\"value\")")]
    [InlineData("x(lambda: \"v\" > 5)")]
    [InlineData("x(lambda: f('a,b') > 5)")]
    [InlineData("x(/^cpu[0-9]+$/)")]
    [InlineData("x(*)")]
    [InlineData("x([['a']])")]
    public void Parse_ReferenceLambdaRegexStarOrNestedList_BecomesBoolWithNoValue(string expression)
    {
        // Arrange: a nested list stays a list argument after the outer list is expanded.
        var call = OptionCall.Parse(expression);
        var argument = call.Arguments.Single();
        if (argument.Kind == TickValueKind.List)
        {
            argument = argument.Items.Single();
        }

        // Act
        var value = argument.ToOptionValue();

        // Assert
        value.Type.Should().Be(ValueType.Bool);
        value.ValueCase.Should().Be(Protocol.OptionValue.ValueOneofCase.None);
    }

    [Fact]
    public void Parse_SeveralArguments_KeepsTheirOrderAndName()
    {
        // Act
        var call = OptionCall.Parse("  .tags('a', 10 ,1.5,TRUE, 1m) ");

        // Assert
        call.Name.Should().Be("tags");
        call.Arguments.Select(a => a.Kind).Should().Equal(
            TickValueKind.String, TickValueKind.Int, TickValueKind.Double, TickValueKind.Bool, TickValueKind.Duration);
        call.Source.Should().Be(".tags('a', 10 ,1.5,TRUE, 1m)");
    }

    [Fact]
    public void Parse_NoArguments_IsAnEmptyCall()
    {
        // Act
        var call = OptionCall.Parse("flag()");

        // Assert
        call.Name.Should().Be("flag");
        call.Arguments.Should().BeEmpty();
    }

    [Theory]
    [InlineData("size", "at column 5: expected '(' after the option name size (write size() for an option without arguments)")]
    [InlineData("size(10", "at column 8: expected ',' or ')'")]
    [InlineData("(10)", "at column 1: expected an option name (a TICKscript identifier such as size)")]
    [InlineData("size(10) x", "at column 10: unexpected text after ')'")]
    [InlineData("flag(true)", "at column 6: undefined name true (TICKscript booleans are TRUE and FALSE; strings need single quotes: 'true')")]
    [InlineData("p(10us)", "at column 6: unexpected 's' after the duration 10u (TICKscript durations take exactly one unit: u or µ, ms, s, m, h, d, w)")]
    [InlineData("p(10ns)", "at column 5: unexpected 'n' after the number 10 (durations take one unit: u, µ, ms, s, m, h, d or w; floats have no exponent)")]
    [InlineData("p(1.5s)", "at column 6: unexpected 's' after the number 1.5 (durations take one unit: u, µ, ms, s, m, h, d or w; floats have no exponent)")]
    [InlineData("p(1e3)", "at column 4: unexpected 'e' after the number 1 (durations take one unit: u, µ, ms, s, m, h, d or w; floats have no exponent)")]
    [InlineData("p(09)", "at column 3: illegal number syntax: \"09\" (a leading 0 makes an octal integer in TICKscript)")]
    [InlineData("p(1.2.3)", "at column 6: multiple decimals in number")]
    [InlineData("p('abc)", "at column 3: unterminated string")]
    [InlineData("p(-'a')", "at column 3: invalid argument to '-' 'a' (only numbers and durations can be negated)")]
    [InlineData("p(9223372036854775808)", "at column 3: illegal number syntax: \"9223372036854775808\"")]
    public void Parse_Invalid_IsDefineErrorWithColumn(string expression, string expected)
    {
        // Act
        var act = () => OptionCall.Parse(expression);

        // Assert
        act.Should().Throw<FormatException>().WithMessage($"invalid option expression \"{expression}\" {expected}");
    }
}
