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

    /// <summary>Waits until <paramref name="progress"/> stops moving (the same over four looks 250 ms apart) or
    /// <paramref name="work"/> ends, for at most 10 s, and returns the last value. For back-pressure, where "the other
    /// side stopped taking more" has no signal of its own; callers assert an upper bound, which an early look can only
    /// make easier to meet, never flaky.</summary>
    public static async Task<long> StalledAsync(Func<long> progress, Task work)
    {
        var last = -1L;
        var unchanged = 0;
        for (var look = 0; look < 40 && unchanged < 4 && !work.IsCompleted; look++)
        {
            await Task.Delay(250);
            var now = progress();
            unchanged = now == last ? unchanged + 1 : 0;
            last = now;
        }

        return progress();
    }
}
