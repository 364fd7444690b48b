using System.Diagnostics;
using Kapacitor.Udf;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Core;

/// <summary>
/// The UDF the output-latency runs drive (<c>kapacitor-udf-load stamp-udf [HANDLER_MS [MAX_OUTPUT_DELAY_MS]]</c>,
/// process mode, the agent's default delay when the second is absent): echoes
/// each point after blocking for HANDLER_MS (as a model or database call would), stamping
/// <see cref="Stopwatch.GetTimestamp"/> into the field <see cref="Field"/> right before the emit. Stopwatch is
/// CLOCK_MONOTONIC on Linux, the same clock in every process, so the reader's own timestamp minus the stamp is the
/// time from the handler's emit to the answer read.
/// </summary>
internal sealed class StampUdf : IUdfHandler
{
    /// <summary>The command that runs this UDF.</summary>
    public const string Command = "stamp-udf";

    /// <summary>The integer field holding the emit's timestamp.</summary>
    public const string Field = "emitted";

    private readonly UdfHandlerContext _context;
    private readonly int _handlerMs;

    private StampUdf(UdfHandlerContext context, int handlerMs)
    {
        _context = context;
        _handlerMs = handlerMs;
    }

    /// <summary>Serves one process-mode connection on STDIN/STDOUT.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var handlerMs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
        var options = new UdfHostOptions();
        if (args.Length > 2)
        {
            options = new UdfHostOptions { Agent = options.Agent with { MaxOutputDelay = TimeSpan.FromMilliseconds(double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)) } };
        }

        return UdfHost.RunAsync([], ctx => new StampUdf(ctx, handlerMs), options);
    }

    public ValueTask<InfoResponse> InfoAsync() =>
        ValueTask.FromResult(new InfoResponse { Wants = EdgeType.Stream, Provides = EdgeType.Stream });

    public ValueTask<InitResponse> InitAsync(InitRequest request) => ValueTask.FromResult(new InitResponse { Success = true });

    public ValueTask PointAsync(Point point)
    {
        if (_handlerMs > 0)
        {
            Thread.Sleep(_handlerMs);
        }

        point.FieldsInt[Field] = Stopwatch.GetTimestamp();
        return _context.EmitPointAsync(point);
    }
}
