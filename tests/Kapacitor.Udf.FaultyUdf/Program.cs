using System.Globalization;
using Kapacitor.Udf.Agent;
using Kapacitor.Udf.FaultyUdf;
using Kapacitor.Udf.Hosting;
using Kapacitor.Udf.Server;

// Limits come from the environment, so a test can make a hung call fail in seconds and reach a limit cheaply.
var defaults = new UdfHostOptions();
var maxHandlerTime = Environment.GetEnvironmentVariable(FaultyHandler.MaxHandlerTimeVariable) is { } text
    ? TimeSpan.Parse(text, CultureInfo.InvariantCulture)
    : defaults.Agent.MaxHandlerTime;
var maxFrameSize = Environment.GetEnvironmentVariable(FaultyHandler.MaxFrameSizeVariable) is { } frame
    ? long.Parse(frame, CultureInfo.InvariantCulture)
    : defaults.Agent.MaxFrameSize;
var maxConnections = Environment.GetEnvironmentVariable(FaultyHandler.MaxConnectionsVariable) is { } connections
    ? int.Parse(connections, CultureInfo.InvariantCulture)
    : defaults.Server.MaxConnections;

// Two UDFs, chosen with --udf NAME (process mode) or --socket NAME=PATH: the same faults on either edge type.
var udfs = new Dictionary<string, Func<UdfContext, IUdfHandler>>
{
    ["faulty"] = ctx => new FaultyHandler(ctx, Kapacitor.Udf.Protocol.EdgeType.Stream),
    ["faultyBatch"] = ctx => new FaultyHandler(ctx, Kapacitor.Udf.Protocol.EdgeType.Batch),
};

return await UdfHost.RunAsync(args, udfs, new UdfHostOptions
{
    Agent = new UdfAgentOptions { MaxHandlerTime = maxHandlerTime, MaxFrameSize = maxFrameSize },
    Server = new UdfServerOptions { MaxConnections = maxConnections },
});
