using System.Diagnostics;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.LoadTool.Measurement;
using Kapacitor.Udf.LoadTool.Reporting;
using Kapacitor.Udf.LoadTool.Targets;
using Kapacitor.Udf.LoadTool.Workloads;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Running;

/// <summary>
/// Kapacitor's start-up probe (reference §2.2), repeated: spawn, send InfoRequest, wait for the InfoResponse, close
/// STDIN, wait for the process to exit. Spawn → InfoResponse is what every kapacitord start pays per UDF.
/// </summary>
internal static class InfoProbe
{
    private const int MaxInfoResponse = 64 * 1024;

    public static InfoProbeResult Run(IUdfTargetFactory factory, int runs, EdgeType? wants, EdgeType? provides, LoadOptions options, Action<int>? progress = null)
    {
        var spawnToInfo = new List<double>();
        var eofToExit = new List<double>();
        var cpu = new List<double>();
        var peaks = new List<double>();
        string? info = null;
        for (var run = 0; run < runs; run++)
        {
            progress?.Invoke(run);
            var spawnAt = Stopwatch.GetTimestamp();
            using var target = factory.Start();
            using var watchdog = new Timer(_ => target.Kill(), null, options.StallTimeout, Timeout.InfiniteTimeSpan);
            string? error = null;
            Response? response = null;
            // An InfoResponse is small: a larger first frame is not one.
            var output = new BlockingFrameReader(target.Output, MaxInfoResponse, readSize: 4096);
            try
            {
                target.Input.Write(Frames.InfoRequest);
                target.Input.Flush();
                response = output.ReadMessage(Response.Parser);
            }
            catch (Exception ex) when (ex is IOException or InvalidProtocolBufferException or FrameException)
            {
                error = $"probe {run + 1}: {ex.Message}";
            }

            var infoAt = Stopwatch.GetTimestamp();
            var sample = target.ProcessId is { } pid ? ProcFs.TryRead(pid) : null;
            error ??= Check(response, wants, provides, ref info) is { } problem ? $"probe {run + 1}: {problem}" : null;

            var eofAt = Stopwatch.GetTimestamp();
            int? exitCode = null;
            if (error is null)
            {
                target.CloseInput();
                var extra = AfterInfo(output);
                exitCode = target.WaitForExit(options.ExitTimeout);
                error = exitCode is null ? $"probe {run + 1}: the UDF did not exit within {options.ExitTimeout.TotalSeconds:0.#}s of its input closing"
                    : exitCode != 0 ? $"probe {run + 1}: the UDF exited with code {exitCode}"
                    : extra is not null ? $"probe {run + 1}: {extra} after the InfoResponse on an Info-only connection"
                    : null;
            }

            var exitAt = Stopwatch.GetTimestamp();
            if (error is not null)
            {
                target.Kill();
                target.WaitForExit(TimeSpan.FromSeconds(5));
                return new InfoProbeResult
                {
                    Target = factory.Description,
                    Runs = run + 1,
                    Verified = false,
                    Error = string.IsNullOrEmpty(target.StderrTail) ? error : $"{error}\n  stderr: {target.StderrTail}",
                    Info = info,
                };
            }

            spawnToInfo.Add(Stopwatch.GetElapsedTime(spawnAt, infoAt).TotalMilliseconds);
            eofToExit.Add(Stopwatch.GetElapsedTime(eofAt, exitAt).TotalMilliseconds);
            if (target.Cpu is { } used)
            {
                cpu.Add(used.TotalMilliseconds);
            }

            if (sample?.PeakRssBytes is { } peak)
            {
                peaks.Add(peak);
            }
        }

        return new InfoProbeResult
        {
            Target = factory.Description,
            Runs = runs,
            Verified = true,
            Info = info,
            SpawnToInfoMedianMs = Stats.Median(spawnToInfo),
            SpawnToInfoP95Ms = Stats.Percentile(spawnToInfo, 95),
            SpawnToInfoMinMs = spawnToInfo.Count > 0 ? spawnToInfo.Min() : null,
            SpawnToInfoMaxMs = spawnToInfo.Count > 0 ? spawnToInfo.Max() : null,
            EofToExitMedianMs = Stats.Median(eofToExit),
            EofToExitMaxMs = eofToExit.Count > 0 ? eofToExit.Max() : null,
            CpuMedianMs = Stats.Median(cpu),
            PeakRssMedianBytes = Stats.Median(peaks) is { } median ? (long)median : null,
            SpawnToInfoMs = spawnToInfo,
        };
    }

    private static string? Check(Response? response, EdgeType? wants, EdgeType? provides, ref string? info)
    {
        if (response is null)
        {
            return "the output ended before an InfoResponse";
        }

        if (response.MessageCase != Response.MessageOneofCase.Info)
        {
            return $"expected an InfoResponse, received {response}";
        }

        info = response.Info.ToString();
        if ((wants is { } w && response.Info.Wants != w) || (provides is { } p && response.Info.Provides != p))
        {
            return $"the InfoResponse says wants {response.Info.Wants}, provides {response.Info.Provides}; expected {wants}, {provides}";
        }

        return null;
    }

    // Reads the output to its end: anything there is an error on an Info-only connection.
    private static string? AfterInfo(BlockingFrameReader output)
    {
        try
        {
            return output.ReadMessage(Response.Parser) is { } more ? $"a further response {more}" : null;
        }
        catch (Exception ex) when (ex is IOException or InvalidProtocolBufferException or FrameException)
        {
            return $"bytes that are not a response ({ex.Message})";
        }
    }
}
