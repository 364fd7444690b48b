using System.Collections.Concurrent;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Support;
using Serilog.Events;

namespace Kapacitor.Udf.Tests.Server;

public sealed class UdfServerConnectionTests : IDisposable
{
    private readonly SocketDirectory _directory = new();
    private readonly CollectingLogger _log = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Connections_FiftyConcurrent_EachHasItsOwnHandlerStateAndOutput()
    {
        // Requirement 31: one handler per connection, independent state, all served at once.
        const int connections = 50;
        const int points = 40;
        var handlers = new ConcurrentBag<TestHandler>();
        await using var server = StartServer(ctx => Tracked(handlers, CountingEcho(ctx)));

        var clients = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => UdfSocketClient.ConnectAsync(server.SocketPath)));
        try
        {
            var runs = clients.Select((client, c) => Task.Run(async () =>
            {
                await client.SendAsync(Requests.Init($"task{c}", "echo1"));
                (await client.ReadAsync()).Init.Success.Should().BeTrue();
                for (var i = 0; i < points; i++)
                {
                    await client.SendAsync(Requests.Point(i, value: c * 1000 + i, group: $"conn{c}"));
                }

                client.HalfClose();
                return await client.ReadToEndAsync();
            })).ToList();
            var outputs = await Task.WhenAll(runs).WaitAsync(UdfSocketClient.Timeout);

            for (var c = 0; c < connections; c++)
            {
                outputs[c].Select(r => r.Point.Group).Should().AllBe($"conn{c}", "connection {0} sees only its own data", c);
                outputs[c].Select(r => r.Point.FieldsDouble["value"]).Should().Equal(Enumerable.Range(0, points).Select(i => (double)(c * 1000 + i)));
                outputs[c].Select(r => r.Point.FieldsInt["seq"]).Should().Equal(Enumerable.Range(1, points).Select(i => (long)i), "each handler counts only its own points");
            }

            handlers.Should().HaveCount(connections);
            handlers.Select(h => h.Context.TaskId).Should().OnlyHaveUniqueItems();
            await Eventually.TrueAsync(() => server.ActiveConnections == 0, "every connection released");
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Connections_SequentialInfoProbes_EachAnsweredThenClosed()
    {
        // Requirements 10 and 31: Kapacitor probes Info once per start, each on a new connection, then half-closes.
        var handlers = new ConcurrentBag<TestHandler>();
        await using var server = StartServer(ctx => Tracked(handlers, new TestHandler(ctx) { Info = new InfoResponse { Wants = EdgeType.Batch, Provides = EdgeType.Stream } }));

        for (var probe = 0; probe < 10; probe++)
        {
            await using var client = await UdfSocketClient.ConnectAsync(server.SocketPath);
            await client.SendAsync(Requests.Info());
            client.HalfClose();

            var responses = await client.ReadToEndAsync();

            responses.Should().ContainSingle().Which.Info.Wants.Should().Be(EdgeType.Batch);
        }

        handlers.Should().HaveCount(10);
        await Eventually.TrueAsync(() => handlers.All(h => h.Calls.Contains("Stop")), "every probe's handler stopped");
        handlers.Should().OnlyContain(h => h.Calls.SequenceEqual(new[] { "Info", "Stop" }));
    }

    [Fact]
    public async Task Connection_SendsGarbage_FailsAloneWhileOthersLoseNothing()
    {
        // Requirement 32: one connection's bad frame ends that connection only.
        await using var server = StartServer(ctx => CountingEcho(ctx));
        var good = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => UdfSocketClient.ConnectAsync(server.SocketPath)));
        await using var bad = await UdfSocketClient.ConnectAsync(server.SocketPath);
        try
        {
            foreach (var client in good)
            {
                await client.SendAsync(Requests.Init());
                (await client.ReadAsync()).Init.Success.Should().BeTrue();
                await client.SendAsync(Enumerable.Range(0, 50).Select(i => Requests.Point(i)));
            }

            // A 10-byte varint announcing 2^63 bytes: far over the maximum frame size.
            await bad.SendBytesAsync(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 });
            var badAnswer = await bad.ReadAsync();
            bad.HalfClose();
            (await bad.ReadOrEndAsync()).Should().BeNull("the failed connection is closed after its ErrorResponse");

            foreach (var client in good)
            {
                await client.SendAsync(Enumerable.Range(50, 50).Select(i => Requests.Point(i)));
                client.HalfClose();
            }

            foreach (var client in good)
            {
                (await client.ReadToEndAsync()).Select(r => r.Point.Time).Should().Equal(Enumerable.Range(0, 100).Select(i => (long)i));
            }

            badAnswer.Error.Error.Should().StartWith("read error at byte offset 0");
            await using var later = await UdfSocketClient.ConnectAsync(server.SocketPath);
            await later.SendAsync(Requests.Info());
            (await later.ReadAsync()).MessageCase.Should().Be(Response.MessageOneofCase.Info, "the listener keeps accepting");
            _log.Events.Should().Contain(e => e.Level == LogEventLevel.Warning
                && e.RenderMessage().Contains("Connection closed after a failure")
                && e.Properties["Reason"].ToString() == nameof(UdfFailureReason.FrameTooLarge)
                && e.Properties.ContainsKey("Connection"));
        }
        finally
        {
            foreach (var client in good)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Connection_HandlerThrows_ThatConnectionGetsErrorOthersContinue()
    {
        // Requirement 32: a handler exception is per connection.
        await using var server = StartServer(ctx => new TestHandler(ctx)
        {
            OnPoint = p => p.FieldsDouble["value"] < 0 ? throw new InvalidOperationException("negative") : ctx.EmitPointAsync(p),
        });
        await using var failing = await UdfSocketClient.ConnectAsync(server.SocketPath);
        await using var healthy = await UdfSocketClient.ConnectAsync(server.SocketPath);
        await failing.SendAsync(Requests.Init());
        await healthy.SendAsync(Requests.Init());
        (await failing.ReadAsync()).Init.Success.Should().BeTrue();
        (await healthy.ReadAsync()).Init.Success.Should().BeTrue();

        await failing.SendAsync(Requests.Point(1, value: -1));
        (await failing.ReadAsync()).Error.Error.Should().Be("Point: InvalidOperationException: negative");
        failing.HalfClose();
        (await failing.ReadOrEndAsync()).Should().BeNull();

        await healthy.SendAsync(Requests.Point(2, value: 5));
        (await healthy.ReadAsync()).Point.Time.Should().Be(2);
    }

    [Fact]
    public async Task Connection_PeerResetMidStream_ClosedAloneAndServerKeepsServing()
    {
        // Requirement 32: a crashed kapacitord resets its connections; the server must not care.
        await using var server = StartServer(ctx => CountingEcho(ctx));
        await using var survivor = await UdfSocketClient.ConnectAsync(server.SocketPath);
        await survivor.SendAsync(Requests.Init());
        (await survivor.ReadAsync()).Init.Success.Should().BeTrue();

        var victim = await UdfSocketClient.ConnectAsync(server.SocketPath);
        await victim.SendAsync(Requests.Init());
        (await victim.ReadAsync()).Init.Success.Should().BeTrue();
        await victim.SendAsync(Enumerable.Range(0, 200).Select(i => Requests.Point(i)));
        // Closing with the echoes unread resets the connection: the server's next read or write fails.
        await victim.DisposeAsync();
        await Eventually.TrueAsync(() => server.ActiveConnections == 1, "the reset connection released");

        await survivor.SendAsync(Requests.Point(7));
        (await survivor.ReadAsync()).Point.Time.Should().Be(7);
        await using var fresh = await UdfSocketClient.ConnectAsync(server.SocketPath);
        await fresh.SendAsync(Requests.Info());
        (await fresh.ReadAsync()).MessageCase.Should().Be(Response.MessageOneofCase.Info);
    }

    [Fact]
    public async Task Accept_OverConnectionCap_GetsErrorResponseThenEof()
    {
        // Limits: the connection over the cap is told why at once, not left to a keepalive timeout.
        await using var server = StartServer(ctx => CountingEcho(ctx), new UdfServerOptions { MaxConnections = 2 });
        await using var first = await UdfSocketClient.ConnectAsync(server.SocketPath);
        await using var second = await UdfSocketClient.ConnectAsync(server.SocketPath);
        foreach (var client in new[] { first, second })
        {
            await client.SendAsync(Requests.Init());
            (await client.ReadAsync()).Init.Success.Should().BeTrue();
        }

        await using (var third = await UdfSocketClient.ConnectAsync(server.SocketPath))
        {
            await third.SendAsync(Requests.Init());

            (await third.ReadAsync()).Error.Error.Should().StartWith("connection limit of 2 reached; ");
            third.HalfClose();
            (await third.ReadOrEndAsync()).Should().BeNull();
        }

        first.HalfClose();
        (await first.ReadToEndAsync()).Should().BeEmpty();
        await using var fourth = await UdfSocketClient.ConnectAsync(server.SocketPath);
        await fourth.SendAsync(Requests.Init());
        (await fourth.ReadAsync()).Init.Success.Should().BeTrue("a freed slot is usable again");
        server.ActiveConnections.Should().Be(2);
    }

    [Fact]
    public async Task HalfClose_ResponsesProducedAfterInputEnds_AllDeliveredBeforeEof()
    {
        // Requirements 27 and 34: after Kapacitor's CloseWrite, everything still pending is written, then EOF.
        const int points = 2000;
        await using var server = StartServer(ctx =>
        {
            var held = new List<Point>();
            var handler = new TestHandler(ctx) { OnPoint = p => { held.Add(p); return ValueTask.CompletedTask; } };
            handler.OnStop = async () =>
            {
                foreach (var point in held)
                {
                    await ctx.EmitPointAsync(point);
                }
            };
            return handler;
        });
        await using var client = await UdfSocketClient.ConnectAsync(server.SocketPath);
        await client.SendAsync(Requests.Init());
        (await client.ReadAsync()).Init.Success.Should().BeTrue();
        await client.SendAsync(Enumerable.Range(0, points).Select(i => Requests.Point(i)));

        client.HalfClose();
        var responses = await client.ReadToEndAsync();

        responses.Select(r => r.Point.Time).Should().Equal(Enumerable.Range(0, points).Select(i => (long)i));
    }

    [Fact]
    public async Task Connection_AfterErrorResponse_InputDiscardedUntilHalfClose()
    {
        // Requirement 26: after the ErrorResponse the server reads on until Kapacitor half-closes, so Kapacitor's
        // pending writes do not fail and it records our error text.
        await using var server = StartServer(ctx => new TestHandler(ctx) { OnPoint = _ => throw new InvalidOperationException("boom") });
        await using var client = await UdfSocketClient.ConnectAsync(server.SocketPath);
        await client.SendAsync(Requests.Init());
        (await client.ReadAsync()).Init.Success.Should().BeTrue();
        await client.SendAsync(Requests.Point(1));
        (await client.ReadAsync()).Error.Error.Should().Be("Point: InvalidOperationException: boom");

        await client.SendAsync(Enumerable.Range(0, 1000).Select(i => Requests.Point(i)));
        client.HalfClose();

        (await client.ReadOrEndAsync()).Should().BeNull();
    }

    [Fact]
    public async Task Logging_ConnectionEvents_CarryTheConnectionNumber()
    {
        await using var server = StartServer(ctx => CountingEcho(ctx));
        await using (var client = await UdfSocketClient.ConnectAsync(server.SocketPath))
        {
            await client.SendAsync(Requests.Info());
            client.HalfClose();
            await client.ReadToEndAsync();
        }

        await Eventually.TrueAsync(() => _log.Messages(LogEventLevel.Information).Any(m => m.StartsWith("Connection closed")), "the close logged");
        _log.Events.Where(e => e.RenderMessage().StartsWith("Connection")).Should()
            .OnlyContain(e => e.Properties["Connection"].ToString() == "1");
    }

    [Fact]
    public async Task Logging_ConnectionClosedAfterInit_CarriesTaskAndNode()
    {
        await using var server = StartServer(ctx => CountingEcho(ctx));
        await using (var client = await UdfSocketClient.ConnectAsync(server.SocketPath))
        {
            await client.SendAsync([Requests.Info(), Requests.Init(taskId: "cpu_alert", nodeId: "movingAverage3")]);
            client.HalfClose();
            await client.ReadToEndAsync();
        }

        await Eventually.TrueAsync(() => _log.Messages(LogEventLevel.Information).Any(m => m.StartsWith("Connection closed")), "the close logged");
        var closed = _log.Events.Single(e => e.RenderMessage().StartsWith("Connection closed"));
        closed.Properties["TaskId"].ToString().Should().Be("\"cpu_alert\"");
        closed.Properties["NodeId"].ToString().Should().Be("\"movingAverage3\"");
        closed.Properties["Connection"].ToString().Should().Be("1");
    }

    private static TestHandler Tracked(ConcurrentBag<TestHandler> handlers, TestHandler handler)
    {
        handlers.Add(handler);
        return handler;
    }

    // Echoes each point with a per-handler sequence number: state that must not leak between connections.
    private static TestHandler CountingEcho(UdfHandlerContext context)
    {
        var seen = 0L;
        return new TestHandler(context)
        {
            OnPoint = p =>
            {
                p.FieldsInt["seq"] = ++seen;
                return context.EmitPointAsync(p);
            },
        };
    }

    private UdfServer StartServer(Func<UdfHandlerContext, IUdfHandler> factory, UdfServerOptions? options = null)
    {
        var server = new UdfServer(_directory.PathOf("udf.sock"), factory, (options ?? new UdfServerOptions()) with { Logger = _log.Logger });
        server.Start();
        return server;
    }
}
