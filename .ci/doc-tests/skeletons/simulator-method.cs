// Wraps a documentation sample of statements: the body of an async method that has a CancellationToken `ct`, with the
// namespaces the text names (the simulator's engine and its inputs).
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Simulator.Input;

public static class __FRAGMENT__
{
    public static async Task RunAsync(CancellationToken ct)
    {
        /*BLOCK*/
    }
}
