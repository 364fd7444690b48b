using Kapacitor.Udf.Tests.Hosting;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Reliability;

/// <summary>Issue 6's bad-input table against the real FaultyUdf executable in process mode (requirements 5, 6,
/// 26): the defined outcome, the logged reason, and an exit by itself with the expected code.</summary>
[Collection(ProcessCollection.Name)]
public sealed class BadInputProcessTests
{
    [Theory]
    [MemberData(nameof(BadInputs.Ids), MemberType = typeof(BadInputs))]
    public async Task ProcessMode_BadInput_DefinedOutcomeLoggedReasonAndExitCode(string id)
    {
        var row = BadInputs.Get(id);
        await using var udf = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: true, null, "--udf", row.Udf);
        await using var client = UdfSocketClient.ForProcess(udf.Process);

        var failed = await BadInputs.SendAndCheckAsync(row, client);

        (await udf.WaitForExitAsync()).Should().Be(failed ? 1 : 0);
        udf.Process.WaitForExit(); // flushes the redirected STDERR events
        udf.StderrLines.Should().Contain(l => l.Contains(row.Error ?? "Ignoring a request with no known message set", StringComparison.Ordinal));
        udf.StderrLines.Should().NotContain(l => l.Contains("Unhandled exception", StringComparison.Ordinal));
    }
}
