using Kapacitor.Udf.Tests.Hosting;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Reliability;

/// <summary>Issue 6's bad-input table against one FaultyUdf socket server (requirements 31, 32): each bad input
/// ends its own connection with the defined outcome, and the server serves the next connection.</summary>
[Collection(ProcessCollection.Name)]
public sealed class BadInputSocketTests : IClassFixture<BadInputSocketTests.Server>
{
    private readonly Server _server;

    public BadInputSocketTests(Server server) => _server = server;

    [Theory]
    [MemberData(nameof(BadInputs.Ids), MemberType = typeof(BadInputs))]
    public async Task SocketMode_BadInput_DefinedOutcomeAndTheServerCarriesOn(string id)
    {
        var row = BadInputs.Get(id);
        await using (var client = await UdfSocketClient.ConnectAsync(_server.PathOf(row.Udf)))
        {
            await BadInputs.SendAndCheckAsync(row, client);
        }

        _server.Process.Process.HasExited.Should().BeFalse("one connection's bad input never stops the server");
        await using var next = await UdfSocketClient.ConnectAsync(_server.PathOf(row.Udf));
        await next.SendAsync(Requests.Info());
        (await next.ReadAsync()).Info.Should().NotBeNull();
    }

    /// <summary>One server for the whole table, serving both UDFs.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly SocketDirectory _directory = new();

        internal UdfProcess Process { get; private set; } = null!;

        public string PathOf(string udf) => _directory.PathOf(udf + ".sock");

        public async Task InitializeAsync()
        {
            Process = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: false, null,
                "--socket", $"faulty={PathOf("faulty")}", "--socket", $"faultyBatch={PathOf("faultyBatch")}");
            await Eventually.TrueAsync(() => File.Exists(PathOf("faulty")) && File.Exists(PathOf("faultyBatch")) || Process.Process.HasExited,
                "both sockets listening", UdfProcess.Timeout);
            Process.Process.HasExited.Should().BeFalse(string.Join(" / ", Process.StderrLines));
        }

        public async Task DisposeAsync()
        {
            await Process.DisposeAsync();
            _directory.Dispose();
        }
    }
}
