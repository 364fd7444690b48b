using System.Globalization;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Generated;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// Binds an InitRequest's options through an options class's generated model and collects every problem, each naming
/// the TICKscript fix. Runs once per Init; nothing here runs per point, and nothing here reflects.
/// </summary>
internal static class OptionBinder
{
    // Kapacitor checks counts and types when a task is defined (docs/protocol.md, "Options"), so an Init that breaks them comes
    // from an option table that changed after kapacitord read it (it reads it once, at startup).
    private const string RestartHint =
        "Kapacitor checks option names, counts and types when a task is defined, so this UDF's options have probably changed since kapacitord started: restart kapacitord";

    private const string NoValue = "no value";
    private const string WrongType = "wrong type";

    public static TOptions Bind<TOptions>(UdfOptionsModel<TOptions> model, IEnumerable<Option> options, List<string> problems)
        where TOptions : class
    {
        var instance = model.Create();
        var properties = model.TypedOptions;
        var given = new Option?[properties.Length];
        var failed = new bool[properties.Length];
        var lists = new List<object?>?[properties.Length];
        var drift = false;

        foreach (var option in options)
        {
            if (!model.ByName.TryGetValue(option.Name, out var index))
            {
                problems.Add(Unknown(model, option));
                drift = true;
                continue;
            }

            var property = properties[index];
            if (option.Values.Count != property.Kinds.Length)
            {
                problems.Add(WrongCount(property, option));
                failed[index] = true;
                drift = true;
                continue;
            }

            if (!TryConvert(property, option, problems, ref drift, out var value))
            {
                failed[index] = true;
                continue;
            }

            given[index] = option;
            if (property.IsList)
            {
                (lists[index] ??= []).Add(value);
            }
            else
            {
                property.Set(instance, value);
            }
        }

        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            if (lists[i] is { } items)
            {
                property.Set(instance, property.Collect!(items));
            }

            if (failed[i])
            {
                continue;
            }

            if (property.Required && given[i] is null)
            {
                problems.Add($".{property.Name} is required: add {OptionText.ExampleCall(property)}");
                continue;
            }

            Validate(instance, property, given[i], lists[i]?.Count ?? 0, problems);
        }

        if (problems.Count == 0 && instance is IValidatableUdfOptions validatable)
        {
            foreach (var problem in validatable.Validate())
            {
                problems.Add(problem);
            }
        }

        if (drift)
        {
            problems.Add(RestartHint);
        }

        return instance;
    }

    private static bool TryConvert(UdfOptionModel property, Option option, List<string> problems, ref bool drift, out object? value)
    {
        value = null;
        if (property.IsFlag)
        {
            value = true;
            return true;
        }

        var kinds = property.Kinds;
        var arguments = new object?[kinds.Length];
        var bad = new bool[kinds.Length];
        var reasons = new string?[kinds.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            reasons[i] = Convert(option.Values[i], kinds[i], out arguments[i], ref drift);
            bad[i] = reasons[i] is not null;
        }

        var ok = true;
        for (var i = 0; i < arguments.Length; i++)
        {
            if (reasons[i] is null)
            {
                continue;
            }

            ok = false;
            var where = arguments.Length == 1 ? OptionText.Call(option) : $"{OptionText.Call(option)}: argument {i + 1}";
            var mustBe = OptionText.MustBe(UdfOptionModel.WireType(kinds[i]));
            problems.Add(reasons[i] switch
            {
                NoValue => $"{where} got a \"double-quoted\" field reference, a lambda or a regex, which reaches a UDF as a BOOL with no value: it {mustBe}: write {OptionText.FixedCall(property, option, bad)}",
                WrongType => $"{where} {mustBe}: write {OptionText.FixedCall(property, option, bad)}",
                var other => $"{where} {other}",
            });
        }

        if (ok)
        {
            value = property.Construct is null ? arguments[0] : property.Construct(arguments);
        }

        return ok;
    }

    // Returns null when the value converts, else a reason: NoValue, WrongType, or the words of a range problem.
    private static string? Convert(OptionValue value, UdfOptionValueKind kind, out object? result, ref bool drift)
    {
        result = null;
        var carried = OptionText.Carried(value);
        if (carried is null)
        {
            return NoValue;
        }

        if (carried != UdfOptionModel.WireType(kind))
        {
            drift = true;
            return WrongType;
        }

        switch (kind)
        {
            case UdfOptionValueKind.String:
                result = value.StringValue;
                return null;
            case UdfOptionValueKind.Int64:
                result = value.IntValue;
                return null;
            case UdfOptionValueKind.Int32:
                if (value.IntValue is < int.MinValue or > int.MaxValue)
                {
                    return $"is out of range: it must be between {int.MinValue.ToString(CultureInfo.InvariantCulture)} and {int.MaxValue.ToString(CultureInfo.InvariantCulture)}";
                }

                result = (int)value.IntValue;
                return null;
            case UdfOptionValueKind.Double:
                result = value.DoubleValue;
                return null;
            case UdfOptionValueKind.Bool:
                result = value.BoolValue;
                return null;
            default:
                // A TimeSpan counts 100 ns ticks; rounding a duration silently would change the UDF's behaviour.
                // (TICKscript's smallest unit is 1u, so this only happens with values from elsewhere.)
                if (value.DurationValue % TimeSpan.NanosecondsPerTick != 0)
                {
                    return "is not a whole number of 100 ns ticks, so it does not fit a TimeSpan";
                }

                result = TimeSpan.FromTicks(value.DurationValue / TimeSpan.NanosecondsPerTick);
                return null;
        }
    }

    private static void Validate<TOptions>(TOptions instance, UdfOptionModel<TOptions> property, Option? given, int calls, List<string> problems)
        where TOptions : class
    {
        if (property.Rules.Length == 0)
        {
            return;
        }

        var value = property.Get(instance);
        foreach (var rule in property.Rules)
        {
            if (rule.Check(value, "." + property.Name) is not { } reason)
            {
                continue;
            }

            problems.Add(
                property.IsList && calls > 0 ? $".{property.Name} (given {calls} {(calls == 1 ? "time" : "times")}) is invalid: {reason}"
                : given is not null ? $"{OptionText.Call(given)} is invalid: {reason}"
                : $".{property.Name} is not set and its default ({OptionText.Literal(value)}) is invalid: {reason}; add e.g. {OptionText.ExampleCall(property)}");
        }
    }

    private static string Unknown(UdfOptionsModel model, Option option)
    {
        var known = model.Options.Length == 0
            ? "this UDF takes no options"
            : "this UDF's options are " + string.Join(", ", model.Options.Select(p => "." + p.Name).Order(StringComparer.Ordinal));
        return $"unknown option {OptionText.Call(option)}: {known}";
    }

    private static string WrongCount(UdfOptionModel property, Option option)
    {
        if (property.IsFlag)
        {
            return $"{OptionText.Call(option)} takes no arguments: write .{property.Name}()";
        }

        var types = string.Join(", ", property.Kinds.Select(k => ValueTypeText.Name(UdfOptionModel.WireType(k))));
        var noun = property.Kinds.Length == 1 ? "argument" : "arguments";
        return $"{OptionText.Call(option)} takes {property.Kinds.Length} {noun} ({types}), not {option.Values.Count}: write e.g. {OptionText.ExampleCall(property)}";
    }
}
