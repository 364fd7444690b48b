using System.Reflection;
using System.Text.RegularExpressions;

namespace Kapacitor.Udf.Tests.Reliability;

/// <summary>RELIABILITY.md promises what the tests check: the same rows, the same error texts, the real defaults.</summary>
public partial class ReliabilityDocTests
{
    private static readonly string Root =
        typeof(ReliabilityDocTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    private static readonly string Doc = File.ReadAllText(Path.Combine(Root, "RELIABILITY.md"));

    [Fact]
    public void BadInputTable_ListsExactlyTheTestedRows()
    {
        var documented = Section("## Bad input").Select(l => IdCell().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value);

        documented.Should().BeEquivalentTo(BadInputs.All.Select(b => b.Id));
    }

    [Theory]
    [MemberData(nameof(BadInputs.Ids), MemberType = typeof(BadInputs))]
    public void BadInputTable_RowStatesTheTestedOutcome(string id)
    {
        var row = BadInputs.Get(id);
        var line = Section("## Bad input").Single(l => l.StartsWith($"| `{id}` |", StringComparison.Ordinal));

        line.Should().Contain(row.Error is null ? "ignored, logged" : $"`{row.Error}");
    }

    [Theory]
    [InlineData("MaxFrameSize")]
    [InlineData("QueueCapacity")]
    [InlineData("MaxEarlyOutputBytes")]
    [InlineData("FlushThresholdBytes")]
    [InlineData("MaxOutputDelay")]
    [InlineData("MaxHandlerTime")]
    [InlineData("MaxConnections")]
    public void LimitsTable_StatesTheDefault(string option)
    {
        object value = option switch
        {
            "MaxFrameSize" => new UdfAgentOptions().MaxFrameSize,
            "QueueCapacity" => new UdfAgentOptions().QueueCapacity,
            "MaxEarlyOutputBytes" => new UdfAgentOptions().MaxEarlyOutputBytes,
            "FlushThresholdBytes" => new UdfAgentOptions().FlushThresholdBytes,
            "MaxOutputDelay" => new UdfAgentOptions().MaxOutputDelay,
            "MaxHandlerTime" => new UdfAgentOptions().MaxHandlerTime,
            _ => new UdfServerOptions().MaxConnections,
        };

        Section("## Limits").Should().Contain(l => l.StartsWith($"| `{option}` | {value}", StringComparison.Ordinal));
    }

    [Fact]
    public void LimitsTable_StatesTheSocketDefaults()
    {
        var limits = Section("## Limits").ToList();
        limits.Should().Contain($"| `SocketFileMode` | {UdfServer.FormatMode(UdfServerOptions.DefaultSocketFileMode)} | who may connect to the socket file |");
        limits.Should().Contain(l => l.StartsWith($"| `DrainTimeout` (server) | {new UdfServerOptions().DrainTimeout} |", StringComparison.Ordinal));
    }

    [Fact]
    public void Readme_LinksTheReliabilityPage()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));

        readme.Should().Contain("(RELIABILITY.md)").And.Contain("## Limits and security");
    }

    private static IEnumerable<string> Section(string heading) =>
        Doc.Split('\n').SkipWhile(l => l != heading).Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal));

    [GeneratedRegex(@"^\| `([a-z0-9-]+)` \|")]
    private static partial Regex IdCell();
}
