using Kapacitor.Udf.Protocol;
using Microsoft.CodeAnalysis;
using static Kapacitor.Udf.Tests.Authoring.OptionValues;

namespace Kapacitor.Udf.Generators.Tests;

public class UdfOptionsGeneratorTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations;
        using Kapacitor.Udf;

        """;

    // Every supported kind and rule; the options class of the end-to-end tests too.
    private const string EveryKind = Usings + """
        namespace User;

        public sealed record Window(string Name, int Count, TimeSpan Every);

        public sealed class AllOptions : IValidatableUdfOptions
        {
            [Required]
            public required string Field { get; init; }

            [Range(1, int.MaxValue)]
            public int Size { get; set; } = 5;

            [Range(0.0, 1.0, MinimumIsExclusive = true)]
            public double Ratio { get; set; } = 0.5;

            public long Count { get; set; }

            public bool Enabled { get; set; }

            public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(10);

            public int? Maybe { get; set; }

            [UdfFlag]
            public bool Verbose { get; set; }

            public (double Low, double High) Range { get; set; } = (0, 1);

            public Window? Window { get; set; }

            [MinLength(1), MaxLength(3)]
            public List<string> Tag { get; set; } = ["x"];

            public long[] Ids { get; set; } = [];

            public IReadOnlyList<Window> Windows { get; set; } = [];

            [UdfOption("as"), StringLength(8, MinimumLength = 1), RegularExpression("^[a-z]+$")]
            public string As { get; set; } = "avg";

            [AllowedValues("up", "down")]
            public string Direction { get; set; } = "up";

            [DeniedValues(0L)]
            public long Step { get; set; } = 1;

            public string Computed => Field + As;

            public IEnumerable<string> Validate()
            {
                if (Count > Size)
                {
                    yield return ".count must not exceed .size";
                }
            }
        }

        public static class Uses
        {
            public static object Describe() => UdfOptions.Describe<AllOptions>();
        }
        """;

    [Fact]
    public void Generate_EveryKindAndRule_CompilesWithoutWarnings()
    {
        var (output, generatorDiagnostics, run) = GeneratorHarness.Generate(EveryKind);

        generatorDiagnostics.Should().BeEmpty();
        run.GeneratedTrees.Should().ContainSingle().Which.FilePath.Should().EndWith("User_AllOptions.UdfOptions.g.cs");
        output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Should().BeEmpty();
    }

    [Fact]
    public void Generate_ClassNeverUsedAsOptions_EmitsNothing()
    {
        var (_, diagnostics, run) = GeneratorHarness.Generate(Usings + "public sealed class Plain { public float Ratio { get; set; } }");

        diagnostics.Should().BeEmpty("a class that is not an options class may have any properties");
        run.GeneratedTrees.Should().BeEmpty();
    }

    [Theory]
    [InlineData("class Handler(Kapacitor.Udf.UdfHandlerContext c) : StreamUdf<O>(c) { protected override System.Threading.Tasks.ValueTask OnPointAsync(Kapacitor.Udf.Protocol.Point p) => default; }")]
    [InlineData("static class U { static object F = UdfFunction.Stream<O>((c, p) => p); }")]
    [InlineData("static class U { static object F() => UdfOptions.ToOptions(new O()); }")]
    [InlineData("[UdfOptionsClass] class Unused { }")]
    public void Generate_FindsOptionsClassesByTheirUse(string use)
    {
        var (_, diagnostics, run) = GeneratorHarness.Generate(Usings + "public sealed class O { public int Size { get; set; } }\n" + use);

        diagnostics.Should().BeEmpty();
        run.GeneratedTrees.Should().ContainSingle();
    }

    [Theory]
    [InlineData("public float Ratio { get; set; }", "KUDF001", "Ratio", "O.Ratio cannot be a UDF option: type float is not supported: use string, long, int, double, bool or TimeSpan*")]
    [InlineData("[System.ComponentModel.Description(\"x\")] public int Size { get; set; }", "KUDF002", "System.ComponentModel.Description(\"x\")", "O.Size cannot be a UDF option: the attribute [Description] is not supported on an option property*IValidatableUdfOptions.Validate")]
    [InlineData("[UdfOption(\"my-value\")] public string Value { get; set; } = \"\";", "KUDF004", "Value", "O.Value cannot be a UDF option: 'my-value' is not a TICKscript option name*")]
    [InlineData("[UdfOption(\"a\"), UdfFlag(\"b\")] public bool Value { get; set; }", "KUDF004", "Value", "O.Value cannot be a UDF option: [UdfOption(\"a\")] and [UdfFlag(\"b\")] name it differently*")]
    [InlineData("public int Size { get; set; } [UdfOption(\"size\")] public int Other { get; set; }", "KUDF005", "Other", "O cannot be a UDF options class: more than one property binds to the option 'size' (Size, Other)*")]
    [InlineData("[UdfFlag] public string Name { get; set; } = \"\";", "KUDF006", "Name", "O.Name cannot be a UDF option: [UdfFlag] needs a bool property*")]
    [InlineData("[Range(1, 5)] public string Name { get; set; } = \"\";", "KUDF008", "Range(1, 5)", "O.Name cannot be a UDF option: [Range] checks numbers*")]
    [InlineData("[Range(typeof(int), \"1\", \"5\")] public int Size { get; set; }", "KUDF008", "Range(typeof(int), \"1\", \"5\")", "O.Size cannot be a UDF option: [Range] with a type and strings is not supported*")]
    [InlineData("[RegularExpression(\"(\")] public string Name { get; set; } = \"\";", "KUDF008", "RegularExpression(\"(\")", "O.Name cannot be a UDF option: [RegularExpression] has an invalid pattern*")]
    [InlineData("[MinLength(1)] public int Size { get; set; }", "KUDF008", "MinLength(1)", "O.Size cannot be a UDF option: [MinLength] checks the length of a string or how often a repeated option is given*")]
    [InlineData("[Required(ErrorMessageResourceName = \"x\")] public string Name { get; set; } = \"\";", "KUDF008", "Required(ErrorMessageResourceName = \"x\")", "O.Name cannot be a UDF option: [Required] takes its message from resources*")]
    public void Generate_BadProperty_ReportsItsIdAtTheDeclarationToFix(string member, string id, string at, string message) =>
        AssertSingleDiagnostic($"public sealed class O {{ {member} }}", id, at, message);

    [Theory]
    [InlineData("public sealed class O(int size) { public int Size { get; set; } = size; }", "KUDF003", "O cannot be a UDF options class: an options class needs a public parameterless constructor")]
    [InlineData("public abstract class O { public int Size { get; set; } }", "KUDF003", "O cannot be a UDF options class: an options class cannot be abstract or static*")]
    [InlineData("public static class Outer { private sealed class O { public int Size { get; set; } } static object F = UdfOptions.Describe<O>(); }", "KUDF003", "O cannot be a UDF options class: O is private: make it internal or public*")]
    [InlineData("public sealed class O : IValidatableObject { public IEnumerable<ValidationResult> Validate(ValidationContext c) => []; }", "KUDF007", "O cannot be a UDF options class: IValidatableObject needs reflection*IValidatableUdfOptions*")]
    public void Generate_BadClass_ReportsItsIdAtTheClass(string declaration, string id, string message) =>
        AssertSingleDiagnostic(declaration, id, "O", message);

    [Fact]
    public void Generate_BadClass_EmitsNoCodeForIt()
    {
        var (output, diagnostics, run) = GeneratorHarness.Generate(Usings + "public sealed class O { public float Ratio { get; set; } }\nstatic class U { static object F = UdfOptions.Describe<O>(); }");

        diagnostics.Should().ContainSingle();
        run.GeneratedTrees.Should().BeEmpty("generated code for a broken class would only add errors");
        output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Should().BeEmpty();
    }

    [Fact]
    public void Bind_ThroughACompiledAssembly_BindsValidatesAndWritesBack()
    {
        var type = GeneratorHarness.CompileAndLoad(EveryKind).GetType("User.AllOptions")!;

        var table = GeneratorHarness.Call<IDictionary<string, OptionInfo>>("Describe", type);
        table.Keys.Should().BeEquivalentTo("field", "size", "ratio", "count", "enabled", "period", "maybe", "verbose", "range", "window", "tag", "ids", "windows", "as", "direction", "step");
        table["window"].ValueTypes.Should().Equal(Protocol.ValueType.String, Protocol.ValueType.Int, Protocol.ValueType.Duration);
        table["verbose"].ValueTypes.Should().BeEmpty();

        Option[] calls =
        [
            Call("field", Str("v")), Call("size", Int(3)), Call("period", Dur(60_000_000_000)), Call("verbose"),
            Call("range", Dbl(1), Dbl(2)), Call("window", Str("w"), Int(2), Dur(1_000)), Call("tag", Str("a")), Call("tag", Str("b")),
            Call("ids", Int(7)), Call("windows", Str("x"), Int(1), Dur(100)), Call("as", Str("out")),
        ];
        dynamic bound = GeneratorHarness.Call<object>("Bind", type, (IEnumerable<Option>)calls);

        ((string)bound.Field).Should().Be("v");
        ((int)bound.Size).Should().Be(3);
        ((TimeSpan)bound.Period).Should().Be(TimeSpan.FromMinutes(1), "an init-only property is set too");
        ((bool)bound.Verbose).Should().BeTrue();
        ((ValueTuple<double, double>)bound.Range).Should().Be((1.0, 2.0));
        ((string)bound.Window.Name).Should().Be("w");
        ((List<string>)bound.Tag).Should().Equal("a", "b");
        ((long[])bound.Ids).Should().Equal(7);
        ((string)bound.As).Should().Be("out");
        ((double)bound.Ratio).Should().Be(0.5, "an absent option keeps its default");

        var written = GeneratorHarness.Call<IReadOnlyList<Option>>("ToOptions", type, (object)bound);
        written.Select(o => o.ToString()).Should().BeEquivalentTo(
            GeneratorHarness.Call<IReadOnlyList<Option>>("ToOptions", type, GeneratorHarness.Call<object>("Bind", type, (IEnumerable<Option>)written)).Select(o => o.ToString()));
    }

    [Fact]
    public void Bind_ThroughACompiledAssembly_ReportsEveryProblemTogether()
    {
        var type = GeneratorHarness.CompileAndLoad(EveryKind).GetType("User.AllOptions")!;

        var bind = () => GeneratorHarness.Call<object>("Bind", type, (IEnumerable<Option>)[
            Call("size", Int(0)), Call("ratio", Dbl(0)), Call("tag", Str("a")), Call("tag", Str("b")), Call("tag", Str("c")), Call("tag", Str("d")),
            Call("as", Str("Bad")), Call("direction", Str("left")), Call("step", Int(0))]);

        bind.Should().Throw<System.Reflection.TargetInvocationException>().WithInnerException<UdfOptionsException>().Which.Problems.Should().Equal(
            ".field is required: add .field('value')",
            ".size(0) is invalid: it must be at least 1",
            ".ratio(0.0) is invalid: it must be greater than 0.0 and at most 1.0",
            ".tag (given 4 times) is invalid: it may be given at most 3 times",
            ".as('Bad') is invalid: it must match the regular expression ^[a-z]+$",
            ".direction('left') is invalid: it must be one of 'up', 'down'",
            ".step(0) is invalid: it must not be any of 0");
    }

    [Fact]
    public void Bind_ThroughACompiledAssembly_RunsTheCrossCheckLast()
    {
        var type = GeneratorHarness.CompileAndLoad(EveryKind).GetType("User.AllOptions")!;

        var bind = () => GeneratorHarness.Call<object>("Bind", type, (IEnumerable<Option>)[Call("field", Str("v")), Call("count", Int(9))]);

        bind.Should().Throw<System.Reflection.TargetInvocationException>().WithInnerException<UdfOptionsException>()
            .Which.Problems.Should().Equal(".count must not exceed .size");
    }

    [Theory]
    [InlineData("Field", "field")]
    [InlineData("WindowSize", "windowSize")]
    [InlineData("ID", "id")]
    [InlineData("URLPath", "urlPath")]
    [InlineData("already", "already")]
    public void CamelCase_PropertyNames_FollowSystemTextJsonsRule(string property, string option) =>
        OptionsReader.CamelCase(property).Should().Be(option);

    private static void AssertSingleDiagnostic(string declaration, string id, string at, string message)
    {
        var source = Usings + declaration + "\nstatic class U { static object F() => UdfOptions.Describe<O>(); }";
        if (declaration.Contains("Outer", StringComparison.Ordinal))
        {
            source = Usings + declaration;
        }

        var (_, diagnostics, _) = GeneratorHarness.Generate(source);

        var diagnostic = diagnostics.Should().ContainSingle().Which;
        diagnostic.Id.Should().Be(id);
        diagnostic.Severity.Should().Be(DiagnosticSeverity.Error);
        diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Should().Match(message);
        diagnostic.Location.GetLineSpan().Path.Should().Be("Options.cs");
        source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length).Should().Be(at);
    }
}
