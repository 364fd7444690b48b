using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Kapacitor.Udf.Generators.Tests;

/// <summary>Compiles source text against Kapacitor.Udf and the framework, runs the options generator on it.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [
            .. paths.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
                .Select(p => MetadataReference.CreateFromFile(p)),
            MetadataReference.CreateFromFile(typeof(UdfOptions).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(Google.Protobuf.IMessage).Assembly.Location),
        ];
    });

    public static (Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorDriverRunResult Run) Generate(string source)
    {
        var compilation = CSharpCompilation.Create(
            "UserUdf" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Options.cs")],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new UdfOptionsGenerator());
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (output, diagnostics, driver.GetRunResult());
    }

    /// <summary>Compiles with the generated code and loads the assembly, which registers its options classes.</summary>
    public static Assembly CompileAndLoad(string source)
    {
        var (output, diagnostics, _) = Generate(source);
        diagnostics.Should().BeEmpty();
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        emit.Success.Should().BeTrue(string.Join("\n", emit.Diagnostics));
        return Assembly.Load(stream.ToArray());
    }

    public static TResult Call<TResult>(string method, Type options, params object[] arguments) =>
        (TResult)typeof(UdfOptions).GetMethod(method)!.MakeGenericMethod(options).Invoke(null, arguments)!;
}
