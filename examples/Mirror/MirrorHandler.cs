using Kapacitor.Udf.Agent;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Examples.Mirror;

/// <summary>Kapacitor's mirror example: every stream point straight back, unchanged. <c>@mirror()</c></summary>
internal sealed class MirrorHandler : IUdfHandler
{
    private readonly UdfContext _context;

    public MirrorHandler(UdfContext context) => _context = context;

    public ValueTask<InfoResponse> InfoAsync() =>
        ValueTask.FromResult(new InfoResponse { Wants = EdgeType.Stream, Provides = EdgeType.Stream });

    public ValueTask<InitResponse> InitAsync(InitRequest request) =>
        ValueTask.FromResult(new InitResponse { Success = true });

    public ValueTask PointAsync(Point point) => _context.EmitPointAsync(point);
}
