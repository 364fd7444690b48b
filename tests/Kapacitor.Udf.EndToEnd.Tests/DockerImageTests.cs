using System.Diagnostics;
using System.Text.RegularExpressions;
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Testing.TickScript;

namespace Kapacitor.Udf.EndToEnd.Tests;

/// <summary>
/// No Docker engine runs here, so the image is checked where it can be: every file the baked kapacitor.conf names is
/// produced by the Dockerfile's publish stage, and every UDF it registers answers the Info probe with the options the
/// documented TICKscripts use.
/// </summary>
[Collection(ProcessCollection.Name)]
public partial class DockerImageTests
{
    private static readonly string Dockerfile = File.ReadAllText(Examples.PathOf("Dockerfile"));
    private static readonly Dictionary<string, Dictionary<string, string>> Conf = ParseToml(File.ReadAllText(Examples.PathOf("docker", "kapacitor.conf")));

    [Fact]
    public void Dockerfile_Stages_BuildTestPublishAndADebianKapacitorBase()
    {
        Dockerfile.Should().Contain("AS build").And.Contain("AS test").And.Contain("AS publish").And.Contain("FROM kapacitor:${KAPACITOR_VERSION} AS final");
        Dockerfile.Should().MatchRegex(@"ARG KAPACITOR_VERSION=1\.[78]\n", "the Debian-based tags, not -alpine");
        Dockerfile.Should().Contain("RUN dotnet test Kapacitor.Udf.sln");
        Dockerfile.Should().Contain("COPY --from=publish /out/udf /opt/kapacitor-udf");
        Dockerfile.Should().Contain("COPY docker/kapacitor.conf /etc/kapacitor/kapacitor.conf");
        Dockerfile.Should().Contain("ENV DOTNET_ROOT=/usr/share/dotnet").And.Contain("COPY --from=dotnet-runtime /usr/share/dotnet /usr/share/dotnet");
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
            match.Groups["file"].Value.Should().BeOneOf(match.Groups["project"].Value, match.Groups["project"].Value + ".dll");
            TimeSpan.Parse("00:00:" + settings["timeout"].Trim('"').TrimEnd('s')).Should().BeGreaterThan(TimeSpan.FromMilliseconds(1));
        }
    }

    [Fact]
    public async Task Publish_MovingAverage_ProducesTheFilesTheConfNames()
    {
        var output = Directory.CreateTempSubdirectory("udf-publish-");
        try
        {
            using var publish = Process.Start(new ProcessStartInfo("dotnet", ["publish", Examples.PathOf("examples", "MovingAverage"), "-c", "Release", "--self-contained", "false", "-o", output.FullName, "-nologo"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var log = publish.StandardOutput.ReadToEndAsync();
            await publish.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            publish.ExitCode.Should().Be(0, await log);

            File.Exists(Path.Combine(output.FullName, "MovingAverage")).Should().BeTrue();
            File.Exists(Path.Combine(output.FullName, "MovingAverage.dll")).Should().BeTrue();
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("movingAverage", "MovingAverage", new[] { "field('usage_idle')", "size(10)", "as('avg')" })]
    [InlineData("outliers", "Outliers", new[] { "field('usage_idle')", "scale(1.5)" })]
    [InlineData("mirror", "Mirror", new string[0])]
    public async Task Probe_EachRegisteredUdf_AcceptsTheDocumentedTickScriptOptions(string udf, string project, string[] options)
    {
        UdfFile(Conf[$"udf.functions.{udf}"]).Should().Contain($"/{project}/");
        var simulator = new UdfSimulator(new SimulatorOptions
        {
            UdfName = udf,
            Options = OptionCall.ParseAll(options),
            BatchPeriod = udf == "outliers" ? TimeSpan.FromMinutes(5) : null,
        });

        var probe = await simulator.ProbeAsync(Examples.Process(project)).WaitAsync(TimeSpan.FromSeconds(60));

        probe.IsClean.Should().BeTrue(string.Join("; ", probe.Violations));
        simulator.Define(probe.Info!).Select(o => o.Name).Should().Equal(options.Select(o => o[..o.IndexOf('(')]));
    }

    // The UDF's file: the dll when the dotnet host runs it, the apphost otherwise.
    private static string UdfFile(Dictionary<string, string> settings) =>
        settings["prog"].Trim('"').EndsWith("/dotnet", StringComparison.Ordinal)
            ? settings["args"].Trim('[', ']', ' ').Split(',')[0].Trim().Trim('"')
            : settings["prog"].Trim('"');

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
