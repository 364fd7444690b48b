using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.TickScript;

namespace Kapacitor.Udf.Testing;

/// <summary>
/// TICKscript option calls (<c>.size(10)</c>, <c>.field('value')</c>, <c>.period(10s)</c>) turned into InitRequest
/// options the way Kapacitor does it, including its define-time checks against the UDF's option table. The parser and
/// the checks are the simulator's (one parser and one binder inside Kapacitor.Udf), so a test and a simulated task accept
/// and reject exactly the same calls.
/// </summary>
public static class TickOptions
{
    /// <summary>
    /// Parses calls and checks them as <c>kapacitor define</c> would [pipeline/udf.go]: the name must be a declared
    /// option; a single list argument is expanded (<c>.tags(['a','b'])</c> ≡ <c>.tags('a','b')</c>); count and types
    /// must match exactly (<c>.scale(2)</c> is not a DOUBLE). <c>"double quotes"</c>, lambdas and regexes become a BOOL
    /// with no value, as in Kapacitor.
    /// </summary>
    /// <param name="calls">The calls in TICKscript order; a leading <c>.</c> is optional.</param>
    /// <param name="info">The UDF's InfoResponse.</param>
    /// <returns>The options, one per call.</returns>
    /// <exception cref="FormatException">A call is not valid TICKscript.</exception>
    /// <exception cref="UdfDefineException">Kapacitor would reject a call; the message is Kapacitor's text.</exception>
    public static IReadOnlyList<Option> Bind(IEnumerable<string> calls, InfoResponse info)
    {
        ArgumentNullException.ThrowIfNull(calls);
        return TickOptionBinder.Bind(calls.Select(OptionCall.Parse).ToArray(), info, static message => new UdfDefineException(message));
    }

    /// <summary>Parses calls without checking them against a UDF: every literal gets its own type. For sending
    /// what Kapacitor would reject at define time, to test the UDF's own Init errors.</summary>
    /// <param name="calls">The calls.</param>
    /// <returns>The options, one per call (a single list argument expanded).</returns>
    /// <exception cref="FormatException">A call is not valid TICKscript.</exception>
    public static IReadOnlyList<Option> Parse(IEnumerable<string> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var options = new List<Option>();
        foreach (var text in calls)
        {
            var call = OptionCall.Parse(text);
            var option = new Option { Name = call.Name };
            foreach (var argument in call.ExpandedArguments)
            {
                option.Values.Add(argument.ToOptionValue());
            }

            options.Add(option);
        }

        return options;
    }
}
