using Kapacitor.Udf.Examples.Outliers;
using Kapacitor.Udf;

return await UdfHost.RunAsync(args, context => new OutliersUdf(context));
