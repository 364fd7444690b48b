namespace Kapacitor.Udf.Tests.Hosting;

/// <summary>Tests that start real processes: run one at a time, never alongside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "processes";
}
