using Kapacitor.Udf.Agent;
using Kapacitor.Udf.FaultyUdf;
using Kapacitor.Udf.Hosting;

// The maximum handler time comes from the environment, so a test can make a hung call fail in seconds.
var maxHandlerTime = Environment.GetEnvironmentVariable(FaultyHandler.MaxHandlerTimeVariable) is { } text
    ? TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture)
    : new UdfAgentOptions().MaxHandlerTime;

// Two UDFs, chosen with --udf NAME (process mode) or --socket NAME=PATH: the same faults on either edge type.
var udfs = new Dictionary<string, Func<UdfContext, IUdfHandler>>
{
    ["faulty"] = ctx => new FaultyHandler(ctx, Kapacitor.Udf.Protocol.EdgeType.Stream),
    ["faultyBatch"] = ctx => new FaultyHandler(ctx, Kapacitor.Udf.Protocol.EdgeType.Batch),
};

return await UdfHost.RunAsync(args, udfs, new UdfHostOptions
{
    Agent = new UdfAgentOptions { MaxHandlerTime = maxHandlerTime },
});
