using Kapacitor.Udf.Examples.Outliers;
using Kapacitor.Udf.Hosting;

return await UdfHost.RunAsync(args, context => new OutliersUdf(context));
