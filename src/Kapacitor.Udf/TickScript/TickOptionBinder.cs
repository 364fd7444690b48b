using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.TickScript;

/// <summary>Checks option calls against a UDF's InfoResponse with Kapacitor's rules and produces the InitRequest options.
/// Kapacitor's side of the protocol: the test kit and the simulator use it, each refusing with its own public exception.</summary>
internal static class TickOptionBinder
{
    /// <summary>
    /// Binds calls in order, as <c>UDFNode.SetProperty</c> does [pipeline/udf.go]: the name must be a declared option;
    /// a single list argument is expanded into the arguments [tick/eval.go evalFunc]; the count and each type must
    /// match the declared value types exactly. Every call appends one <see cref="Option"/>, repeats included.
    /// </summary>
    /// <param name="calls">The calls in TICKscript order.</param>
    /// <param name="info">The UDF's InfoResponse.</param>
    /// <param name="refuse">Makes the exception thrown for a call that does not match, from Kapacitor's text.</param>
    /// <returns>The options for the InitRequest.</returns>
    public static IReadOnlyList<Option> Bind(IEnumerable<OptionCall> calls, InfoResponse info, Func<string, Exception> refuse)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(info);
        var options = new List<Option>();
        foreach (var call in calls)
        {
            options.Add(Bind(call, info, refuse));
        }

        return options;
    }

    private static Option Bind(OptionCall call, InfoResponse info, Func<string, Exception> refuse)
    {
        if (!info.Options.TryGetValue(call.Name, out var declared))
        {
            // Not a UDF option, so Kapacitor falls back to the node's built-in properties; a UDF node has none that a
            // simulator could honour, so this is tick/eval.go's "ran out of options" error.
            throw refuse($"no method or property \"{call.Name}\" on *pipeline.UDFNode");
        }

        var arguments = call.ExpandedArguments;
        if (arguments.Count != declared.ValueTypes.Count)
        {
            throw refuse($"unexpected number of args to {call.Name}, got {arguments.Count} expected {declared.ValueTypes.Count}");
        }

        var option = new Option { Name = call.Name };
        for (var i = 0; i < arguments.Count; i++)
        {
            var value = arguments[i].ToOptionValue();
            if (value.Type != declared.ValueTypes[i])
            {
                throw refuse($"unexpected arg to {call.Name}, got {ValueTypeText.Name(value.Type)} expected {ValueTypeText.Name(declared.ValueTypes[i])}");
            }

            option.Values.Add(value);
        }

        return option;
    }
}
