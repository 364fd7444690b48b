using BenchmarkDotNet.Running;

namespace Kapacitor.Udf.Benchmarks;

/// <summary>
/// Runs the benchmarks BenchmarkDotNet's command line selects, e.g.
/// <c>dotnet run -c Release --project bench/Kapacitor.Udf.Benchmarks -- --filter '*Framing*' --job short</c>.
/// <c>--job dry</c> runs each benchmark once (a smoke check that they all work).
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
