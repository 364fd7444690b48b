using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Hosting;

public class UdfCommandLineTests
{
    private static readonly Func<UdfHandlerContext, IUdfHandler> Avg = ctx => new TestHandler(ctx);
    private static readonly Func<UdfHandlerContext, IUdfHandler> Outliers = ctx => new TestHandler(ctx);
    private static readonly UdfCatalog Single = UdfCatalog.Single(Avg);
    private static readonly UdfCatalog Several = UdfCatalog.ByName(new Dictionary<string, Func<UdfHandlerContext, IUdfHandler>>
    {
        ["avg"] = Avg,
        ["outliers"] = Outliers,
    });

    [Fact]
    public void Parse_Describe_DescribesTheOneUdf()
    {
        UdfCommandLine.Parse(["--describe"], Single).Should().BeOfType<UdfCommand.Describe>()
            .Which.Udfs.Should().ContainSingle().Which.Name.Should().BeNull();
    }

    [Fact]
    public void Parse_DescribeSeveral_DescribesEachOrTheOneSelected()
    {
        UdfCommandLine.Parse(["--describe"], Several).Should().BeOfType<UdfCommand.Describe>()
            .Which.Udfs.Select(u => u.Name).Should().Equal("avg", "outliers");
        UdfCommandLine.Parse(["--describe", "--udf", "outliers"], Several).Should().BeOfType<UdfCommand.Describe>()
            .Which.Udfs.Select(u => u.Name).Should().Equal("outliers");
    }

    [Fact]
    public void Parse_DescribeWithSocket_UsageError()
    {
        UdfCommandLine.Parse(["--describe", "--socket", "/tmp/x.sock"], Single).Should().BeOfType<UdfCommand.Usage>();
    }

    [Fact]
    public void Parse_SocketPath_SocketModeForTheOneUdf()
    {
        var command = UdfCommandLine.Parse(["--socket", "/run/udf/x=1.sock"], Single);

        command.Should().BeOfType<UdfCommand.Socket>().Which.Targets.Should().ContainSingle()
            .Which.Should().Be(new UdfSocketTarget(null, "/run/udf/x=1.sock", Avg), "a single-UDF program takes the value as a path, '=' and all");
    }

    [Fact]
    public void Parse_TwoSocketsForOneUdf_UsageError()
    {
        UdfCommandLine.Parse(["--socket", "/a.sock", "--socket", "/b.sock"], Single)
            .Should().BeOfType<UdfCommand.Usage>().Which.Error.Should().Contain("give --socket once");
    }

    [Fact]
    public void Parse_NamedSockets_OneTargetPerUdf()
    {
        var command = UdfCommandLine.Parse(["--socket", "avg=/run/avg.sock", "--socket", "outliers=/run/out.sock"], Several);

        command.Should().BeOfType<UdfCommand.Socket>().Which.Targets.Should().Equal(
            new UdfSocketTarget("avg", "/run/avg.sock", Avg),
            new UdfSocketTarget("outliers", "/run/out.sock", Outliers));
    }

    [Theory]
    [InlineData("/run/avg.sock", "name the one to serve")]
    [InlineData("median=/run/m.sock", "no UDF is named 'median'")]
    public void Parse_BadNamedSocket_UsageErrorListingUdfs(string value, string expected)
    {
        UdfCommandLine.Parse(["--socket", value], Several)
            .Should().BeOfType<UdfCommand.Usage>().Which.Error.Should().Contain(expected).And.Contain("avg, outliers");
    }

    [Fact]
    public void Parse_SameUdfOnTwoSockets_UsageError()
    {
        UdfCommandLine.Parse(["--socket", "avg=/a.sock", "--socket", "avg=/b.sock"], Several)
            .Should().BeOfType<UdfCommand.Usage>().Which.Error.Should().Contain("already served");
    }

    [Fact]
    public void Parse_UdfName_ProcessModeForThatUdf()
    {
        UdfCommandLine.Parse(["--udf", "outliers"], Several)
            .Should().BeOfType<UdfCommand.Process>().Which.Factory.Should().BeSameAs(Outliers);
    }

    [Fact]
    public void Parse_UdfOptionInSingleUdfProgram_UsageError()
    {
        UdfCommandLine.Parse(["--udf", "avg"], Single).Should().BeOfType<UdfCommand.Usage>();
    }

    [Fact]
    public void Parse_HealthWithSocket_HealthProbeWithTimeout()
    {
        UdfCommandLine.Parse(["--health", "--socket", "/run/x.sock"], Single)
            .Should().BeOfType<UdfCommand.Health>().Which.Timeout.Should().Be(TimeSpan.FromSeconds(5));
        var health = UdfCommandLine.Parse(["--health", "--socket", "/run/x.sock", "--timeout", "1.5"], Single)
            .Should().BeOfType<UdfCommand.Health>().Subject;
        health.Paths.Should().Equal("/run/x.sock");
        health.Timeout.Should().Be(TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public void Parse_HealthWithNamedSockets_ChecksEachPath()
    {
        UdfCommandLine.Parse(["--health", "--socket", "avg=/a.sock", "--socket", "outliers=/o.sock"], Several)
            .Should().BeOfType<UdfCommand.Health>().Which.Paths.Should().Equal("/a.sock", "/o.sock");
    }

    [Theory]
    [InlineData(new[] { "--health" }, "--health needs --socket")]
    [InlineData(new[] { "--health", "--socket", "/x.sock", "--timeout", "0" }, "positive number of seconds")]
    [InlineData(new[] { "--socket", "/x.sock", "--timeout", "3" }, "only applies to --health")]
    [InlineData(new[] { "--bogus" }, "--bogus")]
    [InlineData(new[] { "--socket" }, "--socket")]
    public void Parse_Misuse_UsageError(string[] args, string expected)
    {
        UdfCommandLine.Parse(args, Single).Should().BeOfType<UdfCommand.Usage>().Which.Error.Should().Contain(expected);
    }

    [Fact]
    public void Parse_Help_LeftToSystemCommandLine()
    {
        UdfCommandLine.Parse(["--help"], Single).Should().BeOfType<UdfCommand.BuiltIn>();
    }

    [Theory]
    [InlineData("")]
    [InlineData("a=b")]
    [InlineData("my udf")]
    public void ByName_UnusableName_Throws(string name)
    {
        var create = () => UdfCatalog.ByName(new Dictionary<string, Func<UdfHandlerContext, IUdfHandler>> { [name] = Avg });

        create.Should().Throw<ArgumentException>();
    }
}
