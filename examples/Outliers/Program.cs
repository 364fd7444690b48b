using Kapacitor.Udf;
using Kapacitor.Udf.Examples.Outliers;

return await UdfHost.RunAsync(args, context => new OutliersUdf(context));
