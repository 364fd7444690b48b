using System.ComponentModel.DataAnnotations;
using Kapacitor.Udf.Protocol;
using static Kapacitor.Udf.Tests.Authoring.OptionValues;

namespace Kapacitor.Udf.Tests.Authoring;

public class UdfOptionsTests
{
    private const string RestartHint =
        "Kapacitor checks option names, counts and types when a task is defined, so this UDF's options have probably changed since kapacitord started: restart kapacitord";

    [Fact]
    public void Describe_EveryKindOfProperty_DeclaresTheMatchingValueTypes()
    {
        var table = UdfOptions.Describe<AllKinds>();

        table.Keys.Should().BeEquivalentTo("text", "count", "small", "ratio", "enabled", "period", "maybe", "verbose", "range", "window", "tag", "limit", "ids", "as");
        Types(table, "text").Should().Equal(Protocol.ValueType.String);
        Types(table, "count").Should().Equal(Protocol.ValueType.Int);
        Types(table, "small").Should().Equal(Protocol.ValueType.Int);
        Types(table, "ratio").Should().Equal(Protocol.ValueType.Double);
        Types(table, "enabled").Should().Equal(Protocol.ValueType.Bool);
        Types(table, "period").Should().Equal(Protocol.ValueType.Duration);
        Types(table, "maybe").Should().Equal(Protocol.ValueType.Int);
        Types(table, "verbose").Should().BeEmpty("a flag takes no arguments");
        Types(table, "range").Should().Equal(Protocol.ValueType.Double, Protocol.ValueType.Double);
        Types(table, "window").Should().Equal(Protocol.ValueType.String, Protocol.ValueType.Int, Protocol.ValueType.Duration);
        Types(table, "tag").Should().Equal(Protocol.ValueType.String);
        Types(table, "limit").Should().Equal(Protocol.ValueType.String, Protocol.ValueType.Double);
        Types(table, "ids").Should().Equal(Protocol.ValueType.Int);
        Types(table, "as").Should().Equal(Protocol.ValueType.String);
    }

    [Fact]
    public void Describe_NoOptions_IsEmpty() => UdfOptions.Describe<NoOptions>().Should().BeEmpty();

    [Fact]
    public void Bind_EveryKind_SetsTheValues()
    {
        var options = UdfOptions.Bind<AllKinds>(
        [
            Call("text", Str("hello")),
            Call("count", Int(long.MaxValue)),
            Call("small", Int(-7)),
            Call("ratio", Dbl(0.25)),
            Call("enabled", Bool(true)),
            Call("period", Dur(90_000_000_000)),
            Call("maybe", Int(3)),
            Call("verbose"),
            Call("range", Dbl(1.5), Dbl(2.5)),
            Call("window", Str("w"), Int(10), Dur(1_000)),
            Call("as", Str("out")),
        ]);

        options.Text.Should().Be("hello");
        options.Count.Should().Be(long.MaxValue);
        options.Small.Should().Be(-7);
        options.Ratio.Should().Be(0.25);
        options.Enabled.Should().BeTrue();
        options.Period.Should().Be(TimeSpan.FromSeconds(90));
        options.Maybe.Should().Be(3);
        options.Verbose.Should().BeTrue();
        options.Range.Should().Be((1.5, 2.5));
        options.Window.Should().Be(new WindowSpec("w", 10, TimeSpan.FromMicroseconds(1)));
        options.As.Should().Be("out");
    }

    [Fact]
    public void Bind_AbsentOptions_KeepTheirDefaults()
    {
        var options = UdfOptions.Bind<AllKinds>([]);

        options.Should().BeEquivalentTo(new AllKinds());
        options.Text.Should().Be("default");
        options.Maybe.Should().BeNull();
        options.Tag.Should().Equal("x");
    }

    [Fact]
    public void Bind_RepeatedCalls_ListCollectsInOrderScalarKeepsTheLast()
    {
        var options = UdfOptions.Bind<AllKinds>(
        [
            Call("tag", Str("a")),
            Call("text", Str("first")),
            Call("tag", Str("b")),
            Call("limit", Str("cpu"), Dbl(0.5)),
            Call("text", Str("last")),
            Call("limit", Str("mem"), Dbl(0.9)),
            Call("ids", Int(3)),
            Call("ids", Int(1)),
        ]);

        options.Tag.Should().Equal(["a", "b"], "calls replace the default list");
        options.Text.Should().Be("last");
        options.Limit.Should().Equal(new Limit("cpu", 0.5), new Limit("mem", 0.9));
        options.Ids.Should().Equal(3, 1);
    }

    [Fact]
    public void Bind_DurationNotAWholeNumberOfTicks_IsAnErrorNotARounding()
    {
        var bind = () => UdfOptions.Bind<AllKinds>([Call("period", Dur(150))]);

        bind.Should().Throw<UdfOptionsException>().Which.Problems.Should().Equal(
            ".period(150ns) is not a whole number of 100 ns ticks, so it does not fit a TimeSpan");
    }

    [Fact]
    public void Bind_IntOutOfRangeForAnIntProperty_NamesTheRange()
    {
        var bind = () => UdfOptions.Bind<AllKinds>([Call("small", Int(3_000_000_000))]);

        bind.Should().Throw<UdfOptionsException>().WithMessage(
            ".small(3000000000) is out of range: it must be between -2147483648 and 2147483647");
    }

    [Fact]
    public void Bind_MissingRequired_NamesAnExampleCall()
    {
        var bind = () => UdfOptions.Bind<Required>([]);

        bind.Should().Throw<UdfOptionsException>().Which.Problems.Should().Equal(
            ".field is required: add .field('value')",
            ".size is required: add .size(10)");
    }

    [Theory]
    [InlineData("size", ".size(10.0) must be an integer (INT), written without a decimal point: write .size(10)")]
    [InlineData("scale", ".scale(2) must be a float (DOUBLE), written with a decimal point: write .scale(2.0)")]
    [InlineData("field", ".field(5) must be a string (STRING) in 'single quotes' (\"double quotes\" make a field reference): write .field('5')")]
    [InlineData("on", ".on('yes') must be TRUE or FALSE (BOOL): write .on(TRUE)")]
    [InlineData("every", ".every(10) must be a duration (DURATION) such as 10s, 5m or 1h: write .every(10s)")]
    public void Bind_WrongType_SaysWhatTheTypeLooksLikeAndGivesTheFix(string name, string message)
    {
        OptionValue wrong = name switch
        {
            "size" => Dbl(10),
            "scale" => Int(2),
            "field" => Int(5),
            "on" => Str("yes"),
            _ => Int(10),
        };

        var bind = () => UdfOptions.Bind<Typed>([Call(name, wrong)]);

        bind.Should().Throw<UdfOptionsException>().Which.Problems.Should().Equal(message, RestartHint);
    }

    [Fact]
    public void Bind_BoolWithNoValue_ExplainsReferencesAndLambdas()
    {
        // Reference §2.3, #767: .on("x") passes Kapacitor's check for a BOOL option and arrives with no value.
        var bind = () => UdfOptions.Bind<Typed>([Call("on", NoValue())]);

        bind.Should().Throw<UdfOptionsException>().Which.Problems.Should().Equal(
            ".on(\"…\") got a \"double-quoted\" field reference, a lambda or a regex, which reaches a UDF as a BOOL with no value: it must be TRUE or FALSE (BOOL): write .on(TRUE)");
    }

    [Fact]
    public void Bind_NoValueForAString_SaysStringsTakeSingleQuotes()
    {
        var bind = () => UdfOptions.Bind<Typed>([Call("field", NoValue())]);

        bind.Should().Throw<UdfOptionsException>().WithMessage(
            ".field(\"…\") got a \"double-quoted\" field reference, a lambda or a regex, which reaches a UDF as a BOOL with no value: it must be a string (STRING) in 'single quotes' (\"double quotes\" make a field reference): write .field('value')");
    }

    [Fact]
    public void Bind_MultiArgumentWithOneWrong_KeepsTheRightArgumentsInTheFix()
    {
        var bind = () => UdfOptions.Bind<AllKinds>([Call("range", Dbl(1), Int(2))]);

        bind.Should().Throw<UdfOptionsException>().Which.Problems[0].Should().Be(
            ".range(1.0, 2): argument 2 must be a float (DOUBLE), written with a decimal point: write .range(1.0, 2.0)");
    }

    [Fact]
    public void Bind_WrongArgumentCount_GivesTheDeclaredTypes()
    {
        var bind = () => UdfOptions.Bind<AllKinds>([Call("range", Dbl(1)), Call("verbose", Bool(true)), Call("text")]);

        bind.Should().Throw<UdfOptionsException>().Which.Problems.Should().Equal(
            ".range(1.0) takes 2 arguments (DOUBLE, DOUBLE), not 1: write e.g. .range(1.5, 1.5)",
            ".verbose(TRUE) takes no arguments: write .verbose()",
            ".text() takes 1 argument (STRING), not 0: write e.g. .text('value')",
            RestartHint);
    }

    [Fact]
    public void Bind_UnknownOption_ListsTheKnownOnesAndTheRestartHint()
    {
        var bind = () => UdfOptions.Bind<Typed>([Call("sise", Int(3))]);

        bind.Should().Throw<UdfOptionsException>().Which.Problems.Should().Equal(
            "unknown option .sise(3): this UDF's options are .every, .field, .on, .scale, .size", RestartHint);
    }

    [Fact]
    public void Bind_UnknownOptionOnNoOptions_SaysItTakesNone()
    {
        var bind = () => UdfOptions.Bind<NoOptions>([Call("x")]);

        bind.Should().Throw<UdfOptionsException>().Which.Problems[0].Should().Be("unknown option .x(): this UDF takes no options");
    }

    [Fact]
    public void Bind_ValidationAttributes_DescribeTheRuleForGivenAndDefaultValues()
    {
        var bind = () => UdfOptions.Bind<Validated>([Call("name", Str("")), Call("tag", Str("a")), Call("pattern", Str("x1"))]);

        bind.Should().Throw<UdfOptionsException>().Which.Problems.Should().Equal(
            ".size is not set and its default (0) is invalid: it must be at least 1; add e.g. .size(10)",
            ".name('') is invalid: it must not be empty",
            ".tag (given 1 time) is invalid: it must be given at least 2 times",
            ".pattern('x1') is invalid: it must match the regular expression ^[a-z]+$",
            ".level is not set and its default (11) is invalid: levels go from 1 to 10; add e.g. .level(10)");
    }

    [Fact]
    public void Bind_RangeBounds_AreWordedByWhichEndsAreOpen()
    {
        var bind = () => UdfOptions.Bind<Ranges>([Call("both", Int(0)), Call("low", Dbl(0.5)), Call("high", Dbl(2)), Call("exclusive", Dbl(0))]);

        bind.Should().Throw<UdfOptionsException>().Which.Problems.Should().Equal(
            ".both(0) is invalid: it must be between 1 and 5",
            ".low(0.5) is invalid: it must be at least 1.0",
            ".high(2.0) is invalid: it must be at most 1.0",
            ".exclusive(0.0) is invalid: it must be greater than 0.0 and at most 1.0");
    }

    [Fact]
    public void Bind_ValidatableObject_RunsLastAndOnlyWhenEverythingElseIsFine()
    {
        var invalid = () => UdfOptions.Bind<CrossChecked>([Call("min", Int(5)), Call("max", Int(1))]);
        var alsoBroken = () => UdfOptions.Bind<CrossChecked>([Call("min", Int(5)), Call("max", Int(1)), Call("other", Int(1))]);

        invalid.Should().Throw<UdfOptionsException>().Which.Problems.Should().Equal(".min(5) must not exceed .max(1)");
        alsoBroken.Should().Throw<UdfOptionsException>().Which.Problems[0].Should().StartWith("unknown option .other(1)");
    }

    [Fact]
    public void Bind_SeveralProblems_AreAllReportedInOneMessage()
    {
        var bind = () => UdfOptions.Bind<Typed>([Call("scale", Int(2)), Call("on", NoValue()), Call("nope")]);

        var error = bind.Should().Throw<UdfOptionsException>().Which;
        error.Problems.Should().HaveCount(4);
        error.Message.Should().Be(string.Join("; ", error.Problems));
        error.Problems.Last().Should().Be(RestartHint);
    }

    [Fact]
    public void ToOptions_ThenBind_RoundTripsEveryKind()
    {
        var original = new AllKinds
        {
            Text = "t",
            Count = -1,
            Small = 2,
            Ratio = double.Epsilon,
            Enabled = true,
            Period = TimeSpan.FromTicks(7),
            Maybe = 9,
            Verbose = true,
            Range = (1, 2),
            Window = new WindowSpec("w", 1, TimeSpan.FromHours(1)),
            Tag = ["p", "q"],
            Limit = [new Limit("a", 1)],
            Ids = [5, 6],
            As = "x",
        };

        var options = UdfOptions.ToOptions(original);

        UdfOptions.Bind<AllKinds>(options).Should().BeEquivalentTo(original);
        options.Count(o => o.Name == "tag").Should().Be(2, "a list is one call per element");
        options.Single(o => o.Name == "period").Values[0].DurationValue.Should().Be(700);
    }

    [Fact]
    public void ToOptions_FalseFlagAndNullValues_AreLeftOut()
    {
        var options = UdfOptions.ToOptions(new AllKinds { Verbose = false, Maybe = null });

        options.Select(o => o.Name).Should().NotContain(["verbose", "maybe"]);
    }

    private static IEnumerable<Protocol.ValueType> Types(IDictionary<string, OptionInfo> table, string name) => table[name].ValueTypes;

    public sealed record WindowSpec(string Name, int Count, TimeSpan Every);

    public sealed record Limit(string Metric, double Threshold);

    public sealed class AllKinds
    {
        public string Text { get; set; } = "default";

        public long Count { get; set; }

        public int Small { get; set; }

        public double Ratio { get; set; } = 1.5;

        public bool Enabled { get; set; }

        public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(10);

        public int? Maybe { get; set; }

        [UdfFlag]
        public bool Verbose { get; set; }

        public (double Low, double High) Range { get; set; }

        public WindowSpec? Window { get; set; }

        public List<string> Tag { get; set; } = ["x"];

        public IReadOnlyList<Limit> Limit { get; set; } = [];

        public long[] Ids { get; set; } = [];

        [UdfOption("as")]
        public string As { get; set; } = "avg";

        // Not options: no public setter.
        public string Computed => Text + As;

        public int ReadOnly { get; private set; }
    }

    public sealed class Required
    {
        public required string Field { get; init; }

        public required int Size { get; init; }
    }

    public sealed class Typed
    {
        public string Field { get; set; } = "";

        public long Size { get; set; }

        public double Scale { get; set; }

        public bool On { get; set; }

        public TimeSpan Every { get; set; }
    }

    public sealed class Validated
    {
        [Range(1, int.MaxValue)]
        public int Size { get; set; }

        [MinLength(1)]
        public string Name { get; set; } = "n";

        [MinLength(2)]
        public List<string>? Tag { get; set; }

        [RegularExpression("^[a-z]+$")]
        public string Pattern { get; set; } = "abc";

        [Range(1, 10, ErrorMessage = "levels go from 1 to 10")]
        public int Level { get; set; } = 11;
    }

    public sealed class Ranges
    {
        [Range(1, 5)]
        public int Both { get; set; } = 1;

        [Range(1.0, double.PositiveInfinity)]
        public double Low { get; set; } = 1;

        [Range(double.NegativeInfinity, 1.0)]
        public double High { get; set; }

        [Range(0.0, 1.0, MinimumIsExclusive = true)]
        public double Exclusive { get; set; } = 0.5;
    }

    public sealed class CrossChecked : IValidatableUdfOptions
    {
        public long Min { get; set; }

        public long Max { get; set; }

        public IEnumerable<string> Validate()
        {
            if (Min > Max)
            {
                yield return $".min({Min}) must not exceed .max({Max})";
            }
        }
    }
}
