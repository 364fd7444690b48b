using System.Globalization;
using Kapacitor.Udf;
using Kapacitor.Udf.FaultyUdf;

// Limits come from the environment, so a test can make a hung call fail in seconds and reach a limit cheaply.
var defaults = new UdfHostOptions();
var options = new UdfHostOptions
{
    Agent = defaults.Agent with
    {
        MaxHandlerTime = FromEnvironment(FaultyHandler.MaxHandlerTimeVariable, defaults.Agent.MaxHandlerTime),
        MaxFrameSize = FromEnvironment(FaultyHandler.MaxFrameSizeVariable, defaults.Agent.MaxFrameSize),
    },
    Server = defaults.Server with { MaxConnections = FromEnvironment(FaultyHandler.MaxConnectionsVariable, defaults.Server.MaxConnections) },
};

// Two UDFs, chosen with --udf NAME (process mode) or --socket NAME=PATH: the same faults on either edge type.
var udfs = new Dictionary<string, Func<UdfHandlerContext, IUdfHandler>>
{
    ["faulty"] = ctx => new FaultyHandler(ctx, Kapacitor.Udf.Protocol.EdgeType.Stream),
    ["faultyBatch"] = ctx => new FaultyHandler(ctx, Kapacitor.Udf.Protocol.EdgeType.Batch),
};

return await UdfHost.RunAsync(args, udfs, options);

static T FromEnvironment<T>(string variable, T fallback)
    where T : IParsable<T> =>
    Environment.GetEnvironmentVariable(variable) is { } text ? T.Parse(text, CultureInfo.InvariantCulture) : fallback;
