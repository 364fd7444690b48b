namespace Kapacitor.Udf;

/// <summary>
/// Makes a <see cref="bool"/> property a zero-argument option: <c>.verbose()</c> sets it to <see langword="true"/>,
/// leaving it out keeps the property's default.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class UdfFlagAttribute : Attribute
{
    /// <summary>A flag named after the property (camelCase).</summary>
    public UdfFlagAttribute()
    {
    }

    /// <summary>A flag with an explicit name.</summary>
    /// <param name="name">The option name as written in TICKscript, e.g. <c>quiet</c> for <c>.quiet()</c>.</param>
    public UdfFlagAttribute(string name) => Name = name;

    /// <summary>The option name, or <see langword="null"/> for the camelCase of the property name.</summary>
    public string? Name { get; }
}
