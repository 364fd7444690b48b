using Kapacitor.Udf.Generated;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// Typed TICKscript options: an options class declares them, this turns it into the InfoResponse option table and
/// binds an InitRequest to a new instance. The base classes (<see cref="StreamUdf{TOptions}"/> and friends) call it
/// for you; a raw <see cref="IUdfHandler"/> can call it directly.
/// </summary>
/// <remarks>
/// <para><b>Declaring.</b> Every public settable property is an option named after it in camelCase, or as
/// <see cref="UdfOptionAttribute"/> names it. Types: <see cref="string"/> (STRING), <see cref="long"/>/<see cref="int"/>
/// (INT), <see cref="double"/> (DOUBLE), <see cref="bool"/> (BOOL), <see cref="TimeSpan"/> (DURATION), any of them
/// nullable; a <see cref="bool"/> with <see cref="UdfFlagAttribute"/> (no arguments: <c>.verbose()</c>); a value tuple or
/// record of those (several arguments: <c>.range(1.0, 5.0)</c>, counted exactly since Kapacitor has no variadic options);
/// and a list or array of any of those, which collects every call in order (<c>.tag('a').tag('b')</c>).</para>
/// <para><b>Generated, not reflected.</b> The Kapacitor.Udf source generator reads the class at compile time and
/// emits its option table, binder and checks (so it works in a native AOT executable). Any other property type, or an
/// attribute it does not support, is a compile-time error (KUDF001-KUDF008, see docs/writing-a-udf.md). It finds the
/// class by its use as <c>TOptions</c> of this library's generic API in the project that declares it, or by
/// <see cref="UdfOptionsClassAttribute"/>.</para>
/// <para><b>Binding.</b> Kapacitor sends only the options the TICKscript calls, so an absent option keeps the
/// property's initial value (its default). A scalar called twice keeps the last call. A property declared with the C#
/// <c>required</c> modifier must be called. The validation attributes <c>[Required]</c>, <c>[Range]</c>,
/// <c>[MinLength]</c>, <c>[MaxLength]</c>, <c>[StringLength]</c>, <c>[RegularExpression]</c>, <c>[AllowedValues]</c> and
/// <c>[DeniedValues]</c> are checked on the bound value, and <see cref="IValidatableUdfOptions.Validate"/> is called
/// last when everything else is fine. Every problem is reported together.</para>
/// <para><b>Durations.</b> DURATION arrives as int64 nanoseconds. A <see cref="TimeSpan"/> holds 100 ns ticks, so a
/// value that is not a multiple of 100 ns is an error rather than silently rounded (TICKscript's smallest unit, 1u,
/// always fits).</para>
/// </remarks>
public static class UdfOptions
{
    /// <summary>The option table of <typeparamref name="TOptions"/>, for <see cref="InfoResponse.Options"/>.</summary>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <returns>A new dictionary (name → value types) the caller may change: <c>info.Options.Add(UdfOptions.Describe&lt;T&gt;())</c>.</returns>
    /// <exception cref="InvalidOperationException">No generated code for <typeparamref name="TOptions"/>; the message names the fix.</exception>
    public static IDictionary<string, OptionInfo> Describe<[UdfOptionsClass] TOptions>()
        where TOptions : class
    {
        var model = UdfOptionsRegistry.For<TOptions>();
        var table = new Dictionary<string, OptionInfo>(model.Options.Length, StringComparer.Ordinal);
        foreach (var option in model.Options)
        {
            table.Add(option.Name, option.ToOptionInfo());
        }

        return table;
    }

    /// <summary>Binds an InitRequest's options to a new <typeparamref name="TOptions"/>.</summary>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <param name="options">The options in TICKscript call order (<see cref="InitRequest.Options"/>).</param>
    /// <returns>The bound options.</returns>
    /// <exception cref="UdfOptionsException">Something is wrong; <see cref="UdfOptionsException.Problems"/> lists every
    /// problem, each naming the TICKscript fix.</exception>
    /// <exception cref="InvalidOperationException">No generated code for <typeparamref name="TOptions"/>.</exception>
    public static TOptions Bind<[UdfOptionsClass] TOptions>(IEnumerable<Option> options)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var bound = OptionBinder.Bind(UdfOptionsRegistry.For<TOptions>(), options, problems);
        return problems.Count == 0 ? bound : throw new UdfOptionsException(problems);
    }

    /// <summary>
    /// The options Kapacitor would send for these values: one call per non-null property (one per element for a
    /// list; a flag only when <see langword="true"/>). The inverse of <see cref="Bind{TOptions}"/>, for tests and tools.
    /// </summary>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <param name="options">The values.</param>
    /// <returns>The options, in declaration order.</returns>
    /// <exception cref="InvalidOperationException">A value cannot be written as an option: a multi-argument type
    /// whose constructor parameters have no matching properties, or a <see cref="TimeSpan"/> beyond int64 nanoseconds.</exception>
    public static IReadOnlyList<Option> ToOptions<[UdfOptionsClass] TOptions>(TOptions options)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        var model = UdfOptionsRegistry.For(options.GetType());
        var result = new List<Option>();
        foreach (var property in model.Options)
        {
            var value = property.GetValue(options);
            if (property.IsFlag)
            {
                if (value is true)
                {
                    result.Add(new Option { Name = property.Name });
                }
            }
            else if (value is null)
            {
                continue;
            }
            else if (property.IsList)
            {
                foreach (var item in (System.Collections.IEnumerable)value)
                {
                    result.Add(Write(model, property, item));
                }
            }
            else
            {
                result.Add(Write(model, property, value));
            }
        }

        return result;
    }

    private static Option Write(UdfOptionsModel model, UdfOptionModel property, object? value)
    {
        var option = new Option { Name = property.Name };
        if (property.Construct is null)
        {
            option.Values.Add(WriteScalar(property.Kinds[0], value));
            return option;
        }

        var deconstruct = property.Deconstruct
            ?? throw new InvalidOperationException($"cannot write .{property.Name} of {model.Type.Name}: its type's constructor parameters have no matching public properties to read back");
        var components = deconstruct(value!);
        for (var i = 0; i < components.Length; i++)
        {
            option.Values.Add(WriteScalar(property.Kinds[i], components[i]));
        }

        return option;
    }

    private static OptionValue WriteScalar(UdfOptionValueKind kind, object? value) => kind switch
    {
        UdfOptionValueKind.String => new OptionValue { Type = Protocol.ValueType.String, StringValue = (string?)value ?? "" },
        UdfOptionValueKind.Int64 => new OptionValue { Type = Protocol.ValueType.Int, IntValue = (long)value! },
        UdfOptionValueKind.Int32 => new OptionValue { Type = Protocol.ValueType.Int, IntValue = (int)value! },
        UdfOptionValueKind.Double => new OptionValue { Type = Protocol.ValueType.Double, DoubleValue = (double)value! },
        UdfOptionValueKind.Bool => new OptionValue { Type = Protocol.ValueType.Bool, BoolValue = (bool)value! },
        _ => new OptionValue { Type = Protocol.ValueType.Duration, DurationValue = DurationNanoseconds((TimeSpan)value!) },
    };

    private static long DurationNanoseconds(TimeSpan value)
    {
        try
        {
            return checked(value.Ticks * TimeSpan.NanosecondsPerTick);
        }
        catch (OverflowException)
        {
            throw new InvalidOperationException($"the duration {value} does not fit int64 nanoseconds (about ±292 years)");
        }
    }
}
