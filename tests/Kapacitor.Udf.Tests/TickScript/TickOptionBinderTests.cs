using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.TickScript;
using static Kapacitor.Udf.Tests.Support.InfoResponses;
using ValueType = Kapacitor.Udf.Protocol.ValueType;

namespace Kapacitor.Udf.Tests.TickScript;

public sealed class TickOptionBinderTests
{
    private static readonly InfoResponse MovingAvg =
        Info(options: [("field", [ValueType.String]), ("size", [ValueType.Int]), ("scale", [ValueType.Double]),
            ("tags", [ValueType.String, ValueType.String]), ("flag", []), ("on", [ValueType.Bool]), ("every", [ValueType.Duration])]);

    [Fact]
    public void Bind_MatchingCalls_ProduceOptionsInCallOrderWithRepeats()
    {
        // Act
        var options = TickOptionBinder.Bind(OptionCall.ParseAll("size(3)", "field('v')", "size(4)", "flag()", "every(1m)"), MovingAvg, Refuse);

        // Assert
        options.Select(o => o.Name).Should().Equal("size", "field", "size", "flag", "every");
        options[2].Values.Single().IntValue.Should().Be(4);
        options[3].Values.Should().BeEmpty();
        options[4].Values.Single().DurationValue.Should().Be(60_000_000_000);
    }

    [Fact]
    public void Bind_SingleListArgument_IsExpandedIntoTheArguments()
    {
        // Act
        var options = TickOptionBinder.Bind(OptionCall.ParseAll("tags(['a', 'b'])"), MovingAvg, Refuse);

        // Assert
        options.Single().Values.Select(v => v.StringValue).Should().Equal("a", "b");
    }

    [Fact]
    public void Bind_ReferenceForBoolOption_PassesAsBoolWithNoValue()
    {
        // Act: issue #767, a "double quoted" argument reaches the UDF as an empty BOOL.
        var options = TickOptionBinder.Bind(OptionCall.ParseAll("on(\"x\")"), MovingAvg, Refuse);

        // Assert
        var value = options.Single().Values.Single();
        value.Type.Should().Be(ValueType.Bool);
        value.ValueCase.Should().Be(Protocol.OptionValue.ValueOneofCase.None);
    }

    [Theory]
    [InlineData("size(10.0)", "unexpected arg to size, got DOUBLE expected INT")]
    [InlineData("scale(2)", "unexpected arg to scale, got INT expected DOUBLE")]
    [InlineData("field(\"value\")", "unexpected arg to field, got BOOL expected STRING")]
    [InlineData("every(10)", "unexpected arg to every, got INT expected DURATION")]
    [InlineData("tags('a', 1)", "unexpected arg to tags, got INT expected STRING")]
    [InlineData("size(1, 2)", "unexpected number of args to size, got 2 expected 1")]
    [InlineData("size()", "unexpected number of args to size, got 0 expected 1")]
    [InlineData("flag(TRUE)", "unexpected number of args to flag, got 1 expected 0")]
    [InlineData("tags(['a'], 'b')", "unexpected arg to tags, got BOOL expected STRING")]
    [InlineData("sise(10)", "no method or property \"sise\" on *pipeline.UDFNode")]
    public void Bind_Mismatch_FailsWithKapacitorsMessage(string expression, string message)
    {
        // Act
        var act = () => TickOptionBinder.Bind(OptionCall.ParseAll(expression), MovingAvg, Refuse);

        // Assert
        act.Should().Throw<UdfDefineException>().Which.Message.Should().Be(message);
    }

    // What the test kit throws for a call Kapacitor would refuse at define time.
    private static Exception Refuse(string message) => new UdfDefineException(message);
}
