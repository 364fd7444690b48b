using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// Binds an InitRequest's options to an options class and collects every problem, each naming the TICKscript fix.
/// Reflection runs here, once per Init; nothing here runs per point.
/// </summary>
internal static class OptionBinder
{
    // Kapacitor checks counts and types when a task is defined (reference §2.3), so an Init that breaks them comes
    // from an option table that changed after kapacitord read it (it reads it once, at startup).
    private const string RestartHint =
        "Kapacitor checks option names, counts and types when a task is defined, so this UDF's options have probably changed since kapacitord started: restart kapacitord";

    public static object Bind(OptionSchema schema, IEnumerable<Option> options, List<string> problems)
    {
        var instance = schema.CreateInstance();
        var count = schema.Properties.Length;
        var given = new Option?[count];
        var failed = new bool[count];
        var lists = new List<object?>?[count];
        var drift = false;

        foreach (var option in options)
        {
            if (!schema.ByName.TryGetValue(option.Name, out var index))
            {
                problems.Add(Unknown(schema, option));
                drift = true;
                continue;
            }

            var property = schema.Properties[index];
            if (option.Values.Count != property.Slots.Length)
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
                property.Property.SetValue(instance, value);
            }
        }

        for (var i = 0; i < count; i++)
        {
            var property = schema.Properties[i];
            if (lists[i] is { } items)
            {
                property.Property.SetValue(instance, MakeList(property, items));
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

        if (problems.Count == 0 && instance is IValidatableObject validatable)
        {
            foreach (var result in validatable.Validate(new ValidationContext(instance)))
            {
                problems.Add(result.ErrorMessage ?? "the options are invalid");
            }
        }

        if (drift)
        {
            problems.Add(RestartHint);
        }

        return instance;
    }

    private static bool TryConvert(OptionProperty property, Option option, List<string> problems, ref bool drift, out object? value)
    {
        value = null;
        if (property.IsFlag)
        {
            value = true;
            return true;
        }

        var arguments = new object?[property.Slots.Length];
        var bad = new bool[property.Slots.Length];
        var reasons = new string?[property.Slots.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            reasons[i] = Convert(option.Values[i], property.Slots[i], out arguments[i], ref drift);
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
            problems.Add(reasons[i] switch
            {
                NoValue => $"{where} got a \"double-quoted\" field reference, a lambda or a regex, which reaches a UDF as a BOOL with no value: it {OptionText.MustBe(OptionSchema.WireType(property.Slots[i]))}: write {OptionText.FixedCall(property, option, bad)}",
                WrongType => $"{where} {OptionText.MustBe(OptionSchema.WireType(property.Slots[i]))}: write {OptionText.FixedCall(property, option, bad)}",
                var other => $"{where} {other}",
            });
        }

        if (ok)
        {
            value = property.Constructor is null ? arguments[0] : property.Constructor.Invoke(arguments);
        }

        return ok;
    }

    private const string NoValue = "no value";
    private const string WrongType = "wrong type";

    // Returns null when the value converts, else a reason: NoValue, WrongType, or the words of a range problem.
    private static string? Convert(OptionValue value, ScalarKind kind, out object? result, ref bool drift)
    {
        result = null;
        var carried = OptionText.Carried(value);
        if (carried is null)
        {
            return NoValue;
        }

        if (carried != OptionSchema.WireType(kind))
        {
            drift = true;
            return WrongType;
        }

        switch (kind)
        {
            case ScalarKind.String:
                result = value.StringValue;
                return null;
            case ScalarKind.Int64:
                result = value.IntValue;
                return null;
            case ScalarKind.Int32:
                if (value.IntValue is < int.MinValue or > int.MaxValue)
                {
                    return $"is out of range: it must be between {int.MinValue.ToString(CultureInfo.InvariantCulture)} and {int.MaxValue.ToString(CultureInfo.InvariantCulture)}";
                }

                result = (int)value.IntValue;
                return null;
            case ScalarKind.Double:
                result = value.DoubleValue;
                return null;
            case ScalarKind.Bool:
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

    private static object MakeList(OptionProperty property, List<object?> items)
    {
        if (property.Property.PropertyType.IsArray)
        {
            var array = Array.CreateInstance(property.ElementType, items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                array.SetValue(items[i], i);
            }

            return array;
        }

        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(property.ElementType), items.Count)!;
        foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private static void Validate(object instance, OptionProperty property, Option? given, int calls, List<string> problems)
    {
        var validators = property.Validators;
        if (validators.Length == 0)
        {
            return;
        }

        var value = property.Property.GetValue(instance);
        var context = new ValidationContext(instance) { MemberName = property.Property.Name, DisplayName = "." + property.Name };
        foreach (var validator in validators)
        {
            var result = validator.GetValidationResult(value, context);
            if (result is null)
            {
                continue;
            }

            // A built-in rule reads "it must ..."; a message of the author's own (or another rule's) is quoted as is.
            var reason = Rule(validator, value) is { } rule ? "it " + rule : result.ErrorMessage ?? "it is invalid";
            problems.Add(
                property.IsList && calls > 0 ? $".{property.Name} (given {calls} {(calls == 1 ? "time" : "times")}) is invalid: {reason}"
                : given is not null ? $"{OptionText.Call(given)} is invalid: {reason}"
                : $".{property.Name} is not set and its default ({OptionText.Literal(value)}) is invalid: {reason}; add e.g. {OptionText.ExampleCall(property)}");
        }
    }

    // The common DataAnnotations rules in TICKscript terms; null for any other rule, or one with its own ErrorMessage.
    private static string? Rule(ValidationAttribute validator, object? value)
    {
        if (validator.ErrorMessage is not null || validator.ErrorMessageResourceType is not null)
        {
            return null;
        }

        var isText = value is string;
        return validator switch
        {
            RangeAttribute range => RangeReason(range),
            MinLengthAttribute min when isText => min.Length <= 1 ? "must not be empty" : $"must be at least {min.Length} characters long",
            MinLengthAttribute min => $"must be given at least {min.Length} {(min.Length == 1 ? "time" : "times")}",
            MaxLengthAttribute max when isText => $"must be at most {max.Length} characters long",
            MaxLengthAttribute max => $"may be given at most {max.Length} {(max.Length == 1 ? "time" : "times")}",
            StringLengthAttribute length when length.MinimumLength > 0 => $"must be {length.MinimumLength} to {length.MaximumLength} characters long",
            StringLengthAttribute length => $"must be at most {length.MaximumLength} characters long",
            RegularExpressionAttribute regex => $"must match the regular expression {regex.Pattern}",
            RequiredAttribute => "must not be empty",
            AllowedValuesAttribute allowed => $"must be one of {string.Join(", ", allowed.Values.Select(OptionText.Literal))}",
            DeniedValuesAttribute denied => $"must not be any of {string.Join(", ", denied.Values.Select(OptionText.Literal))}",
            _ => null,
        };
    }

    private static string RangeReason(RangeAttribute range)
    {
        var minimum = Bound(range.Minimum);
        var maximum = Bound(range.Maximum);
        var low = minimum is null ? null : (range.MinimumIsExclusive ? "greater than " : "at least ") + minimum;
        var high = maximum is null ? null : (range.MaximumIsExclusive ? "less than " : "at most ") + maximum;
        return (low, high) switch
        {
            (null, null) => "must be a number",
            (_, null) => "must be " + low,
            (null, _) => "must be " + high,
            _ when !range.MinimumIsExclusive && !range.MaximumIsExclusive => $"must be between {minimum} and {maximum}",
            _ => $"must be {low} and {high}",
        };
    }

    // An open end ([Range(1, int.MaxValue)], [Range(1.0, double.PositiveInfinity)]) is not worth mentioning.
    private static string? Bound(object bound) => bound switch
    {
        int i when i is int.MaxValue or int.MinValue => null,
        double d when double.IsInfinity(d) || d is double.MaxValue or double.MinValue => null,
        _ => OptionText.Literal(bound is string s && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : bound),
    };

    private static string Unknown(OptionSchema schema, Option option)
    {
        var known = schema.Properties.Length == 0
            ? "this UDF takes no options"
            : "this UDF's options are " + string.Join(", ", schema.Properties.Select(p => "." + p.Name).Order(StringComparer.Ordinal));
        return $"unknown option {OptionText.Call(option)}: {known}";
    }

    private static string WrongCount(OptionProperty property, Option option)
    {
        if (property.IsFlag)
        {
            return $"{OptionText.Call(option)} takes no arguments: write .{property.Name}()";
        }

        var types = string.Join(", ", property.Slots.Select(s => Hosting.UdfDescription.TypeName(OptionSchema.WireType(s))));
        var noun = property.Slots.Length == 1 ? "argument" : "arguments";
        return $"{OptionText.Call(option)} takes {property.Slots.Length} {noun} ({types}), not {option.Values.Count}: write e.g. {OptionText.ExampleCall(property)}";
    }
}
