using System.Text.RegularExpressions;
using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.EndToEnd.Tests;

/// <summary>
/// No Docker engine runs here (docker/e2e.sh is the test for a machine with one), so the image is checked where it can
/// be: it builds natively on the kapacitor image's own Ubuntu release with the native toolchain and carries no .NET
/// runtime, every file the baked kapacitor.conf names is a native executable the publish stage produces, and every UDF
/// it registers answers the Info probe with the options the documented TICKscripts use.
/// </summary>
[Collection(ProcessCollection.Name)]
public partial class DockerImageTests
{
    private static readonly string Dockerfile = File.ReadAllText(Examples.PathOf("Dockerfile"));
    private static readonly Dictionary<string, Dictionary<string, string>> Conf = ParseToml(File.ReadAllText(Examples.PathOf("docker", "kapacitor.conf")));

    [Fact]
    public void Dockerfile_Stages_BuildTestPublishNativeOnKapacitorsUbuntuRelease()
    {
        Dockerfile.Should().Contain("AS build").And.Contain("AS test").And.Contain("AS publish").And.Contain("FROM kapacitor:${KAPACITOR_VERSION} AS final");
        Dockerfile.Should().MatchRegex(@"ARG KAPACITOR_VERSION=1\.8\n", "kapacitor:1.8 is built on Ubuntu 22.04 (buildpack-deps:jammy-curl), not -alpine");
        Dockerfile.Should().Contain("FROM ubuntu:22.04 AS build", "the executables link against a glibc no newer than kapacitor:1.8's");
        Dockerfile.Should().NotMatchRegex(@"FROM --platform", "native AOT builds on the target platform");
        Dockerfile.Should().MatchRegex(@"apt-get install[^\n]*\n[^\n]*\bgcc\b", "native AOT links with gcc (or clang)");
        Dockerfile.Should().Contain("RUN dotnet test Kapacitor.Udf.sln");
        Dockerfile.Should().Contain("COPY --from=publish /out/udf /opt/kapacitor-udf");
        Dockerfile.Should().Contain("COPY docker/kapacitor.conf /etc/kapacitor/kapacitor.conf");
        Dockerfile[Dockerfile.IndexOf("AS final", StringComparison.Ordinal)..].Should().NotContain("dotnet", "the final image carries no .NET runtime");
    }

    [Fact]
    public void E2eScript_FailsLoudlyAndTearsDown()
    {
        var script = File.ReadAllText(Examples.PathOf("docker", "e2e.sh"));

        script.Should().Contain("set -euo pipefail").And.Contain("trap teardown EXIT").And.Contain("--describe");
        script.Should().Contain("kapacitor define moving_avg").And.Contain("/kapacitor/v1/write").And.Contain("\"75\"");
    }

    [Fact]
    public void KapacitorConf_InfluxDb_DisabledSoKapacitordStartsAlone()
    {
        Conf["[influxdb]"]["enabled"].Should().Be("false");
        Conf["http"]["bind-address"].Should().Be("\":9092\"");
    }

    [Fact]
    public void KapacitorConf_EveryUdf_NamesAFileThePublishStageProducesWithAValidTimeout()
    {
        var published = PublishLoop().Match(Dockerfile).Groups["names"].Value.Split(' ');
        var udfs = Conf.Where(s => s.Key.StartsWith("udf.functions.", StringComparison.Ordinal) && !s.Key.EndsWith(".env", StringComparison.Ordinal)).ToList();

        udfs.Select(u => u.Key).Should().BeEquivalentTo("udf.functions.movingAverage", "udf.functions.outliers", "udf.functions.mirror");
        foreach (var (_, settings) in udfs)
        {
            var file = UdfFile(settings);
            var match = PublishedPath().Match(file);
            match.Success.Should().BeTrue($"{file} must live in /opt/kapacitor-udf/<Project>/");
            published.Should().Contain(match.Groups["project"].Value);
            match.Groups["file"].Value.Should().Be(match.Groups["project"].Value, "the native executable, started directly");
            TimeSpan.Parse("00:00:" + settings["timeout"].Trim('"').TrimEnd('s')).Should().BeGreaterThan(TimeSpan.FromMilliseconds(1));
        }
    }

    public static TheoryData<string, string, string[], string> RegisteredUdfs()
    {
        var data = new TheoryData<string, string, string[], string>();
        foreach (var build in Examples.Builds)
        {
            data.Add("movingAverage", "MovingAverage", ["field('usage_idle')", "size(10)", "as('avg')"], build);
            data.Add("outliers", "Outliers", ["field('usage_idle')", "scale(1.5)"], build);
            data.Add("mirror", "Mirror", [], build);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RegisteredUdfs))]
    public async Task Probe_EachRegisteredUdf_AcceptsTheDocumentedTickScriptOptions(string udf, string project, string[] options, string build)
    {
        UdfFile(Conf[$"udf.functions.{udf}"]).Should().Contain($"/{project}/");
        var simulator = new UdfSimulator(new SimulatorOptions
        {
            UdfName = udf,
            Options = options,
            BatchPeriod = udf == "outliers" ? TimeSpan.FromMinutes(5) : null,
        });

        var probe = await simulator.ProbeAsync(Examples.Process(project, build)).WaitAsync(TimeSpan.FromSeconds(60));

        probe.IsClean.Should().BeTrue(string.Join("; ", probe.Violations));
        simulator.Define(probe.Info!).Select(o => o.Name).Should().Equal(options.Select(o => o[..o.IndexOf('(')]));
    }

    private static string UdfFile(Dictionary<string, string> settings) => settings["prog"].Trim('"');

    // Just enough TOML for kapacitor.conf: [section], [[array-section]] (kept as "[name]"), key = value, comments.
    private static Dictionary<string, Dictionary<string, string>> ParseToml(string text)
    {
        var sections = new Dictionary<string, Dictionary<string, string>> { [""] = [] };
        var current = sections[""];
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith('['))
            {
                var name = line.StartsWith("[[", StringComparison.Ordinal) ? "[" + line.Trim('[', ']') + "]" : line.Trim('[', ']');
                current = sections[name] = [];
                continue;
            }

            var equals = line.IndexOf('=');
            current[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }

        return sections;
    }

    [GeneratedRegex(@"for udf in (?<names>[A-Za-z ]+); do")]
    private static partial Regex PublishLoop();

    [GeneratedRegex(@"^/opt/kapacitor-udf/(?<project>[A-Za-z]+)/(?<file>[A-Za-z.]+)$")]
    private static partial Regex PublishedPath();
}
