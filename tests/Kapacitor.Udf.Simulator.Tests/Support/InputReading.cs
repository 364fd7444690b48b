using Kapacitor.Udf.Simulator.Input;

namespace Kapacitor.Udf.Simulator.Tests.Support;

internal static class InputReading
{
    /// <summary>Every item of the input, in order, with no idle work; a line taken apart where it lies (reused for the
    /// next line) as the Point the ordinary parser makes of it.</summary>
    public static async Task<List<InputItem>> ReadAllAsync(SimulatorInput input)
    {
        var items = new List<InputItem>();
        while (await input.ReadAsync(() => ValueTask.CompletedTask, CancellationToken.None) is { IsEnd: false } item)
        {
            items.Add(item.Raw is { } raw ? new InputItem(raw.ToPoint(), null) : item);
        }

        return items;
    }
}
