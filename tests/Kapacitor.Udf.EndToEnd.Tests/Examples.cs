using System.Reflection;
using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.EndToEnd.Tests;

/// <summary>Where the built example executables and the repository's files are.</summary>
internal static class Examples
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    private static string Configuration { get; } = Metadata("Configuration");

    /// <summary>The example's executable as the build left it (the apphost, as Kapacitor would run it).</summary>
    public static ProcessUdfTarget Process(string name)
    {
        var path = System.IO.Path.Combine(RepositoryRoot, "examples", name, "bin", Configuration, "net10.0", name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: build the solution before running these tests", path);
        }

        return new ProcessUdfTarget(path, []);
    }

    public static string PathOf(params string[] parts) => System.IO.Path.Combine([RepositoryRoot, .. parts]);

    private static string Metadata(string key) =>
        typeof(Examples).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

/// <summary>Process-spawning tests share the two cores and the machine's process table: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "example processes";
}
