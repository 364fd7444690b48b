using System.IO.Pipelines;
using Kapacitor.Udf;
using Kapacitor.Udf.LoadTool.Targets;

namespace Kapacitor.Udf.LoadTool.Tests;

/// <summary>A real <see cref="UdfAgent"/> over in-memory pipes, standing in for a UDF process (no CPU or RSS to measure).</summary>
internal sealed class InProcessTargetFactory(Func<UdfHandlerContext, IUdfHandler> handler) : IUdfTargetFactory
{
    public string Description => "in-process agent";

    public IUdfTarget Start() => new InProcessTarget(handler);
}

internal sealed class InProcessTarget : IUdfTarget
{
    private readonly Pipe _input = new();
    private readonly Pipe _output = new();
    private readonly Task<UdfAgentResult> _run;

    public InProcessTarget(Func<UdfHandlerContext, IUdfHandler> handler)
    {
        var agent = new UdfAgent(_input.Reader, _output.Writer, handler);
        _run = Task.Run(() => agent.RunAsync());
        Input = _input.Writer.AsStream();
        Output = _output.Reader.AsStream();
    }

    public Stream Input { get; }

    public Stream Output { get; }

    public int? ProcessId => null;

    public TimeSpan? Cpu => null;

    public string StderrTail => "";

    public void CloseInput() => _input.Writer.Complete();

    public int? WaitForExit(TimeSpan timeout) => _run.Wait(timeout) ? _run.Result.ExitCode : null;

    // There is no process to kill: end the input, so the agent finishes; the tool's reader drains the output to its end.
    public void Kill() => _input.Writer.Complete();

    public void Dispose()
    {
        Kill();
        _run.Wait(TimeSpan.FromSeconds(5));
    }
}
