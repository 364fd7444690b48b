using System.IO.Pipelines;
using System.Net.Sockets;
using Kapacitor.Udf;
using Kapacitor.Udf.LoadTool.Running;
using Kapacitor.Udf.LoadTool.Targets;
using Kapacitor.Udf.LoadTool.Workloads;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Tests;

/// <summary>The <c>--socket</c> target against a minimal socket server: a real agent per connection.</summary>
public sealed class SocketTargetTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"kapacitor-udf-load-{Guid.NewGuid():N}.sock");
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();

    public SocketTargetTests()
    {
        _listener.Bind(new UnixDomainSocketEndPoint(_path));
        _listener.Listen();
        _ = Task.Run(AcceptLoopAsync);
    }

    [Fact]
    public void A_run_and_an_info_probe_over_a_socket_are_verified()
    {
        var factory = new SocketTargetFactory(_path, serverPid: Environment.ProcessId);
        var options = new LoadOptions { StallTimeout = TimeSpan.FromSeconds(20) };

        var run = LoadRun.Execute(factory, new MovingAverageWorkload(points: 5_000), options);
        run.Error.Should().BeNull();
        run.Verified.Should().BeTrue();
        run.AgentCpuSeconds.Should().NotBeNull("the server pid was given");
        run.EofToExitMs.Should().NotBeNull();

        var probe = InfoProbe.Run(factory, 2, EdgeType.Stream, EdgeType.Stream, options);
        probe.Verified.Should().BeTrue(probe.Error);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        File.Delete(_path);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (connection)
                {
                    var stream = new NetworkStream(connection, ownsSocket: false);
                    var agent = new UdfAgent(PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)), PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)), c => new MovingAverageTestHandler(c));
                    await agent.RunAsync();
                    connection.Shutdown(SocketShutdown.Both);
                }
            });
        }
    }
}
