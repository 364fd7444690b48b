// Wraps a documentation sample of statements: the body of an async method that has a CancellationToken `ct`, with the
// namespaces the text names (the simulator's engine and the test kit's TICKscript parser).
using Kapacitor.Udf.Simulator.Engine;
using Kapacitor.Udf.Testing.TickScript;

public static class __FRAGMENT__
{
    public static async Task RunAsync(CancellationToken ct)
    {
        /*BLOCK*/
    }
}
