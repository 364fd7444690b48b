using Kapacitor.Udf;
using MyUdf;

// Kapacitor starts the built executable (never `dotnet run`: it prints build output on STDOUT, where Kapacitor
// expects only protocol frames). No arguments: process mode, frames on STDIN/STDOUT. `--socket PATH`: socket mode.
// `--describe`: the options and ready kapacitor.conf and TICKscript snippets.
return await UdfHost.RunAsync(args, context => new MyUdfHandler(context));
