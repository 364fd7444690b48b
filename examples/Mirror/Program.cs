using Kapacitor.Udf.Examples.Mirror;
using Kapacitor.Udf.Hosting;

return await UdfHost.RunAsync(args, MirrorUdf.Handler);
