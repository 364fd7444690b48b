using Kapacitor.Udf;
using Kapacitor.Udf.Examples.MovingAverage;

return await UdfHost.RunAsync(args, context => new MovingAverageUdf(context));
