using System.ComponentModel;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Generated;

/// <summary>One option of an options class, as the source generator describes it: its TICKscript name, argument
/// types, checks and how to build and read its value. Generated code creates it; nothing else should.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class UdfOptionModel
{
    private protected UdfOptionModel(string name, string propertyName, UdfOptionValueKind[] kinds)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        PropertyName = propertyName ?? throw new ArgumentNullException(nameof(propertyName));
        Kinds = kinds ?? throw new ArgumentNullException(nameof(kinds));
    }

    /// <summary>The option name as written in TICKscript.</summary>
    public string Name { get; }

    /// <summary>The C# property it binds to.</summary>
    public string PropertyName { get; }

    /// <summary>The argument types of one call, in order; empty for a flag.</summary>
    public UdfOptionValueKind[] Kinds { get; }

    /// <summary>Declared with the C# <c>required</c> modifier: absent is an error.</summary>
    public bool Required { get; init; }

    /// <summary>A <see cref="bool"/> set to <see langword="true"/> by a call without arguments.</summary>
    public bool IsFlag { get; init; }

    /// <summary>For a repeated option: makes the property's collection from every call's value, in call order.</summary>
    public Func<List<object?>, object>? Collect { get; init; }

    /// <summary>For a multi-argument option: builds one value from its arguments.</summary>
    public Func<object?[], object>? Construct { get; init; }

    /// <summary>For a multi-argument option: one value back into its arguments; <see langword="null"/> when the type
    /// has no public members matching its constructor's parameters.</summary>
    public Func<object, object?[]>? Deconstruct { get; init; }

    /// <summary>The checks of the property's validation attributes, in declaration order.</summary>
    public UdfOptionRule[] Rules { get; init; } = [];

    internal bool IsList => Collect is not null;

    internal static Protocol.ValueType WireType(UdfOptionValueKind kind) => kind switch
    {
        UdfOptionValueKind.String => Protocol.ValueType.String,
        UdfOptionValueKind.Int64 or UdfOptionValueKind.Int32 => Protocol.ValueType.Int,
        UdfOptionValueKind.Double => Protocol.ValueType.Double,
        UdfOptionValueKind.Bool => Protocol.ValueType.Bool,
        _ => Protocol.ValueType.Duration,
    };

    internal OptionInfo ToOptionInfo()
    {
        var info = new OptionInfo();
        foreach (var kind in Kinds)
        {
            info.ValueTypes.Add(WireType(kind));
        }

        return info;
    }

    internal abstract object? GetValue(object options);
}

/// <summary>One option of <typeparamref name="TOptions"/> (for generated code).</summary>
/// <typeparam name="TOptions">The options class.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class UdfOptionModel<TOptions> : UdfOptionModel
    where TOptions : class
{
    /// <summary>Describes an option.</summary>
    /// <param name="name">The TICKscript name.</param>
    /// <param name="propertyName">The C# property.</param>
    /// <param name="kinds">The argument types, in order; none for a flag.</param>
    public UdfOptionModel(string name, string propertyName, params UdfOptionValueKind[] kinds)
        : base(name, propertyName, kinds)
    {
    }

    /// <summary>Sets the property: a scalar, a constructed value, <see cref="UdfOptionModel.Collect"/>'s collection, or
    /// <see langword="true"/> for a flag.</summary>
    public required Action<TOptions, object?> Set { get; init; }

    /// <summary>Reads the property (for checks, messages and writing options back).</summary>
    public required Func<TOptions, object?> Get { get; init; }

    internal override object? GetValue(object options) => Get((TOptions)options);
}
