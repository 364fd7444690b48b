using Kapacitor.Udf.Simulator.Engine;

namespace Kapacitor.Udf.EndToEnd.Tests;

/// <summary>Runs an example executable through the simulator, as Kapacitor would, under a generous hang guard.</summary>
internal static class Run
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(90);

    public static Task<SimulationResult> ExampleAsync(string example, string lineProtocol, params string[] options) =>
        ExampleAsync(example, lineProtocol, new SimulatorOptions(), options);

    public static Task<SimulationResult> ExampleAsync(string example, string lineProtocol, SimulatorOptions settings, params string[] options) =>
        TargetAsync(Examples.Process(example), example, lineProtocol, settings, options);

    public static Task<SimulationResult> ExampleAsync(string example, string build, string lineProtocol, SimulatorOptions settings, params string[] options) =>
        TargetAsync(Examples.Process(example, build), example, lineProtocol, settings, options);

    public static Task<SimulationResult> TargetAsync(IUdfTarget target, string udfName, string lineProtocol, SimulatorOptions settings, params string[] options) =>
        new UdfSimulator(settings with { UdfName = udfName, Options = options })
            .RunAsync(target, lineProtocol)
            .WaitAsync(HangGuard);

    public static Task<ProbeResult> ProbeAsync(string example, string build = Examples.Jit) =>
        new UdfSimulator().ProbeAsync(Examples.Process(example, build)).WaitAsync(HangGuard);
}
