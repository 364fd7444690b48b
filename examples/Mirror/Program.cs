using Kapacitor.Udf;
using Kapacitor.Udf.Examples.Mirror;

return await UdfHost.RunAsync(args, MirrorUdf.Handler);
