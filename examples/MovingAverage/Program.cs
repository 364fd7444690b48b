using Kapacitor.Udf.Examples.MovingAverage;
using Kapacitor.Udf;

return await UdfHost.RunAsync(args, context => new MovingAverageUdf(context));
