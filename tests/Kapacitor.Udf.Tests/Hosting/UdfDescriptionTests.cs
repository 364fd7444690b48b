using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Kapacitor.Udf.TickScript;
using static Kapacitor.Udf.Tests.Support.InfoResponses;
using ValueType = Kapacitor.Udf.Protocol.ValueType;

namespace Kapacitor.Udf.Tests.Hosting;

public sealed class UdfDescriptionTests
{
    private static readonly InfoResponse MovingAvg =
        Info(options: [("size", [ValueType.Int]), ("field", [ValueType.String]), ("as", [ValueType.String])]);

    [Fact]
    public void ForProcess_StreamUdf_PrintsConfigAndStreamTickScript()
    {
        // Act
        var text = UdfDescription.ForProcess(MovingAvg, "movingAvg", "/usr/bin/dotnet", ["/opt/udf/MovingAverage.dll", "--x=\"y\""]);

        // Assert
        text.Should().Be(
            """
            # UDF movingAvg: wants STREAM, provides STREAM, 3 options

            # kapacitor.conf (Kapacitor reads the UDF's options at startup: restart kapacitord after changing them)
            [udf.functions.movingAvg]
              prog = "/usr/bin/dotnet"
              args = ["/opt/udf/MovingAverage.dll", "--x=\"y\""]
              timeout = "10s"  # required: Kapacitor has no default

            // TICKscript
            stream
                |from()
                    .measurement('measurement')
                @movingAvg()
                    .as('value')    // STRING
                    .field('value') // STRING
                    .size(10)       // INT
                |httpOut('movingAvg')

            // TICKscript option types must match exactly: 10 is an INT and 10.0 a DOUBLE; strings take 'single quotes' ("double quotes" are field references).

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void ForSocket_BatchUdf_PrintsSocketConfigAndBatchQuery()
    {
        // Arrange
        var info = Info(EdgeType.Batch, EdgeType.Batch, ("scale", [ValueType.Double]), ("window", [ValueType.Duration, ValueType.Bool]), ("verbose", []));

        // Act
        var text = UdfDescription.ForSocket(info, "outliers", "/tmp/outliers.sock");

        // Assert
        text.Should().Contain("# UDF outliers: wants BATCH, provides BATCH, 3 options\n");
        text.Should().Contain("[udf.functions.outliers]\n  socket = \"/tmp/outliers.sock\"\n  timeout = \"10s\"");
        text.Should().NotContain("prog =");
        text.Should().Contain("batch\n    |query('SELECT * FROM \"mydb\".\"autogen\".\"measurement\"')\n        .period(1m)\n        .every(1m)\n    @outliers()\n");
        text.Should().Contain("        .scale(1.5)        // DOUBLE\n");
        text.Should().Contain("        .verbose()         // no arguments\n");
        text.Should().Contain("        .window(10s, TRUE) // DURATION, BOOL\n");
    }

    [Fact]
    public void TickScript_ExampleValues_PassKapacitorsTypeCheck()
    {
        // Arrange: every declared type, once.
        var info = Info(options: [("b", [ValueType.Bool]), ("i", [ValueType.Int]), ("d", [ValueType.Double]), ("s", [ValueType.String]), ("t", [ValueType.Duration])]);
        var calls = UdfDescription.TickScript(info, "x")
            .Split('\n')
            .Where(l => l.StartsWith("        .", StringComparison.Ordinal) && l.Contains("//", StringComparison.Ordinal))
            .Select(l => l[..l.IndexOf("//", StringComparison.Ordinal)].Trim());

        // Act
        var options = TickOptionBinder.Bind(calls.Select(OptionCall.Parse), info, Refuse);

        // Assert
        options.Select(o => o.Name).Should().Equal("b", "d", "i", "s", "t");
    }

    [Fact]
    public void ProcessConfig_NoArguments_WritesAnEmptyList()
    {
        // Act
        var text = UdfDescription.ProcessConfig("x", @"C:\udf\x.exe", []);

        // Assert
        text.Should().Be("[udf.functions.x]\n  prog = \"C:\\\\udf\\\\x.exe\"\n  args = []\n  timeout = \"10s\"  # required: Kapacitor has no default\n");
    }

    // What the test kit throws for a call Kapacitor would refuse at define time.
    private static Exception Refuse(string message) => new UdfDefineException(message);
}
