// Wraps a documentation sample of statements: the body of an async method that has a CancellationToken `ct`, with the
// namespace the text names (the simulator's engine).
using Kapacitor.Udf.Simulator.Engine;

public static class __FRAGMENT__
{
    public static async Task RunAsync(CancellationToken ct)
    {
        /*BLOCK*/
    }
}
