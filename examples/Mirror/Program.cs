using Kapacitor.Udf.Examples.Mirror;
using Kapacitor.Udf.Hosting;

return await UdfHost.RunAsync(args, context => new MirrorHandler(context));
