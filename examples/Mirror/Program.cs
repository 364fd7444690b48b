using Kapacitor.Udf.Examples.Mirror;
using Kapacitor.Udf;

return await UdfHost.RunAsync(args, MirrorUdf.Handler);
