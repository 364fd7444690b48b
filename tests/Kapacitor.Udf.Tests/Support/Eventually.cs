namespace Kapacitor.Udf.Tests.Support;

/// <summary>Waits for a condition that another thread makes true, bounded: fails the test instead of hanging.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"still not true: {what}");
            }

            await Task.Delay(10);
        }
    }
}
