using System.Reflection;
using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.EndToEnd.Tests;

/// <summary>Where the built example executables and the repository's files are.</summary>
internal static class Examples
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string Configuration { get; } = Metadata("Configuration");

    /// <summary>The example's executable as the build left it (the apphost, as Kapacitor would run it).</summary>
    public static ProcessUdfTarget Process(string name) => Built(Path.Combine("examples", name), name, [], null);

    /// <summary>The example's executable of <paramref name="build"/>: <see cref="Jit"/> as <c>dotnet build</c> left it, or
    /// <see cref="Native"/> as <c>.ci/publish-native.sh</c> published it (artifacts/native/NAME/NAME).</summary>
    public static ProcessUdfTarget Process(string name, string build, params string[] arguments) =>
        build == Native ? new ProcessUdfTarget(NativePath(name), arguments, null) : Built(Path.Combine("examples", name), name, arguments, null);

    public const string Jit = "jit";

    public const string Native = "native";

    /// <summary>The builds the end-to-end checks run against: the JIT build always; the native executables when they
    /// are published, and always in CI (CI=true), where a missing one fails the test instead of skipping it.</summary>
    public static TheoryData<string> Builds
    {
        get
        {
            var builds = new TheoryData<string> { Jit };
            if (Environment.GetEnvironmentVariable("CI") == "true" || NativeNames.All(n => File.Exists(Path.Combine(RepositoryRoot, "artifacts", "native", n, n))))
            {
                builds.Add(Native);
            }

            return builds;
        }
    }

    private static readonly string[] NativeNames = ["MovingAverage", "Outliers", "Mirror"];

    /// <summary>A native example executable; throws when it has not been published.</summary>
    public static string NativePath(string name)
    {
        var path = Path.Combine(RepositoryRoot, "artifacts", "native", name, name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: run .ci/publish-native.sh (CI runs it before the tests)", path);
        }

        return path;
    }

    /// <summary>The fault-injecting test UDF (tests/Kapacitor.Udf.FaultyUdf) serving <c>faulty</c> in process mode,
    /// with <paramref name="environment"/> added (Kapacitor's <c>env</c>).</summary>
    public static ProcessUdfTarget FaultyUdf(IReadOnlyDictionary<string, string>? environment = null) =>
        Built(Path.Combine("tests", "Kapacitor.Udf.FaultyUdf"), "Kapacitor.Udf.FaultyUdf", ["--udf", "faulty"], environment);

    public static string PathOf(params string[] parts) => Path.Combine([RepositoryRoot, .. parts]);

    private static ProcessUdfTarget Built(string project, string name, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var path = Path.Combine(RepositoryRoot, project, "bin", Configuration, "net10.0", name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: build the solution before running these tests", path);
        }

        return new ProcessUdfTarget(path, arguments, environment);
    }

    private static string Metadata(string key) =>
        typeof(Examples).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

/// <summary>Process-spawning tests share the two cores and the machine's process table: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "example processes";
}
