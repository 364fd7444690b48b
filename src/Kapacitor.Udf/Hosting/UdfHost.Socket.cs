using System.Diagnostics;
using System.Runtime.InteropServices;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

public static partial class UdfHost
{
    // Socket mode: one server per target, all stopped together by SIGTERM/SIGINT through UdfServer.StopAsync.
    private static async Task<int> RunSocketServersAsync(IReadOnlyList<UdfSocketTarget> targets, UdfHostOptions options)
    {
        var log = options.Logger ?? UdfLogging.CreateStderrLogger();
        // Registered before anything is bound, so a signal during startup still stops cleanly (the file removed).
        using var stop = new CancellationTokenSource();
        string? stopReason = null;
        void StopOn(PosixSignalContext signal)
        {
            signal.Cancel = true;
            Interlocked.CompareExchange(ref stopReason, $"{signal.Signal} received", null);
            stop.Cancel();
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopOn);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopOn);

        var servers = new List<UdfServer>();
        try
        {
            foreach (var target in targets)
            {
                var serverLog = target.Name is null ? log : log.ForContext("Udf", target.Name);
                var server = new UdfServer(target.Path, DebugLoggingHandler.Wrap(target.Factory, serverLog), options.Server with { Agent = options.Agent, Logger = serverLog });
                servers.Add(server);
                server.Start();
            }
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            log.Error("Cannot start the UDF server: {Error}", ex.Message);
            await Task.WhenAll(servers.Select(s => s.StopAsync("another UDF server could not start")));
            return 1;
        }

        await using (stop.Token.Register(() =>
        {
            foreach (var server in servers)
            {
                _ = server.StopAsync(stopReason ?? "a stop was requested");
            }
        }))
        {
            await Task.WhenAll(servers.Select(s => s.Completion));
        }

        GuardAgainstLingering(0, log);
        return 0;
    }

    // --health: one Info round trip per socket, one line each (STDOUT when it answers, STDERR when not).
    private static async Task<int> CheckHealthAsync(IReadOnlyList<string> paths, TimeSpan timeout)
    {
        var healthy = true;
        foreach (var path in paths)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var info = await UdfSocketProbe.InfoAsync(path, timeout);
                await Console.Out.WriteLineAsync(
                    $"healthy: {path} answered Info in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms "
                    + $"(wants {EdgeName(info.Wants)}, provides {EdgeName(info.Provides)}, {info.Options.Count} option(s))");
            }
            catch (IOException ex)
            {
                healthy = false;
                await Console.Error.WriteLineAsync($"unhealthy: {path}: {ex.Message}");
            }
        }

        return healthy ? 0 : 1;
    }

    private static string EdgeName(EdgeType edge) => edge == EdgeType.Batch ? "BATCH" : "STREAM";
}
