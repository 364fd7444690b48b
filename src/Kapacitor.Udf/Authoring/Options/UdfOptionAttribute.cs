namespace Kapacitor.Udf;

/// <summary>
/// Names the TICKscript option a property binds to, when the camelCase of the property name is not the name wanted
/// (for example <c>[UdfOption("as")]</c>, since <c>as</c> is a C# keyword).
/// </summary>
/// <remarks>Without this attribute every public settable property of an options class is an option named after it:
/// <c>WindowSize</c> is <c>.windowSize(...)</c>.</remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class UdfOptionAttribute : Attribute
{
    /// <summary>Binds the property to the option <paramref name="name"/>.</summary>
    /// <param name="name">The option name as written in TICKscript, e.g. <c>as</c> for <c>.as('avg')</c>.</param>
    public UdfOptionAttribute(string name) => Name = name;

    /// <summary>The option name as written in TICKscript.</summary>
    public string Name { get; }
}
