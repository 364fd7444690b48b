using Kapacitor.Udf.Examples.MovingAverage;
using Kapacitor.Udf.Hosting;

return await UdfHost.RunAsync(args, context => new MovingAverageUdf(context));
