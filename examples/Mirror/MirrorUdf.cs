using Kapacitor.Udf;

namespace Kapacitor.Udf.Examples.Mirror;

/// <summary>Kapacitor's mirror example as a one-file UDF: every stream point straight back, unchanged. <c>@mirror()</c></summary>
internal static class MirrorUdf
{
    public static Func<UdfHandlerContext, IUdfHandler> Handler { get; } = UdfFunction.Stream(static (_, point) => point);
}
