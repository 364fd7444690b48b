namespace Kapacitor.Udf.Generators;

/// <summary>Every name the generator looks up in user code or emits: one place to change when the library's public
/// types or namespaces are renamed.</summary>
internal static class Names
{
    /// <summary>The opt-in and type-parameter marker, <c>Kapacitor.Udf.UdfOptionsClassAttribute</c>.</summary>
    public const string OptionsClassAttribute = "Kapacitor.Udf.UdfOptionsClassAttribute";

    public const string OptionAttribute = "Kapacitor.Udf.UdfOptionAttribute";

    public const string FlagAttribute = "Kapacitor.Udf.UdfFlagAttribute";

    public const string ValidatableObject = "System.ComponentModel.DataAnnotations.IValidatableObject";

    public const string DataAnnotations = "System.ComponentModel.DataAnnotations.";

    /// <summary>The namespace reserved for generated code (the runtime types it calls live there too).</summary>
    public const string GeneratedNamespace = "Kapacitor.Udf.Generated";

    public const string Registry = "global::" + GeneratedNamespace + ".UdfOptionsRegistry";

    public const string OptionsModel = "global::" + GeneratedNamespace + ".UdfOptionsModel";

    public const string OptionModel = "global::" + GeneratedNamespace + ".UdfOptionModel";

    public const string ValueKind = "global::" + GeneratedNamespace + ".UdfOptionValueKind";

    public const string Rule = "global::" + GeneratedNamespace + ".UdfOptionRule";

    public const string Values = "global::" + GeneratedNamespace + ".UdfOptionValues";

    public const string GeneratorName = "Kapacitor.Udf.Generators";
}
