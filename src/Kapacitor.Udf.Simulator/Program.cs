using Kapacitor.Udf.Simulator.Cli;

return await SimulatorCli.RunAsync(args);
