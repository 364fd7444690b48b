using System.Globalization;
using Kapacitor.Udf;
using Kapacitor.Udf.FaultyUdf;

// Limits come from the command line or KAPACITOR_UDF_* variables (UdfHost reads both), so a test can make a hung call
// fail in seconds and reach a limit cheaply, as an operator would set them.
// Two UDFs, chosen with --udf NAME (process mode) or --socket NAME=PATH: the same faults on either edge type.
var udfs = new Dictionary<string, Func<UdfHandlerContext, IUdfHandler>>
{
    ["faulty"] = ctx => new FaultyHandler(ctx, Kapacitor.Udf.Protocol.EdgeType.Stream),
    ["faultyBatch"] = ctx => new FaultyHandler(ctx, Kapacitor.Udf.Protocol.EdgeType.Batch),
};

return await UdfHost.RunAsync(args, udfs);
