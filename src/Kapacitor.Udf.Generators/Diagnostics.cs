using Microsoft.CodeAnalysis;

namespace Kapacitor.Udf.Generators;

/// <summary>The generator's compile-time errors; each names the class, the property and the fix (docs/writing-a-udf.md
/// lists them).</summary>
internal static class Diagnostics
{
    private const string Category = "Kapacitor.Udf";

    public static readonly DiagnosticDescriptor UnsupportedType = Error(
        "KUDF001",
        "Unsupported option type",
        "{0}.{1} cannot be a UDF option: type {2} is not supported: use string, long, int, double, bool or TimeSpan (nullable allowed), a tuple or record of those for an option with several arguments, or a list or array of either for a repeated option");

    public static readonly DiagnosticDescriptor UnsupportedAttribute = Error(
        "KUDF002",
        "Unsupported attribute on an option",
        "{0}.{1} cannot be a UDF option: the attribute [{2}] is not supported on an option property: use [UdfOption], [UdfFlag], [Required], [Range], [MinLength], [MaxLength], [StringLength], [RegularExpression], [AllowedValues] or [DeniedValues], and check anything else in IValidatableUdfOptions.Validate");

    public static readonly DiagnosticDescriptor InvalidClass = Error(
        "KUDF003",
        "The class cannot be an options class",
        "{0} cannot be a UDF options class: {1}");

    public static readonly DiagnosticDescriptor InvalidName = Error(
        "KUDF004",
        "Invalid option name",
        "{0}.{1} cannot be a UDF option: {2}");

    public static readonly DiagnosticDescriptor DuplicateName = Error(
        "KUDF005",
        "Two properties bind to the same option",
        "{0} cannot be a UDF options class: more than one property binds to the option '{1}' ({2}, {3}): rename one, or give it another name with [UdfOption(\"...\")]");

    public static readonly DiagnosticDescriptor FlagNotBool = Error(
        "KUDF006",
        "[UdfFlag] needs a bool property",
        "{0}.{1} cannot be a UDF option: [UdfFlag] needs a bool property (a flag is set by a call without arguments)");

    public static readonly DiagnosticDescriptor ValidatableObject = Error(
        "KUDF007",
        "IValidatableObject is not supported",
        "{0} cannot be a UDF options class: IValidatableObject needs reflection a native executable does not have: implement Kapacitor.Udf.IValidatableUdfOptions instead (IEnumerable<string> Validate(), each problem in TICKscript terms)");

    public static readonly DiagnosticDescriptor UnsupportedRule = Error(
        "KUDF008",
        "Validation attribute used in an unsupported way",
        "{0}.{1} cannot be a UDF option: [{2}] {3}");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static DiagnosticDescriptor ById(string id) => id switch
    {
        "KUDF001" => UnsupportedType,
        "KUDF002" => UnsupportedAttribute,
        "KUDF003" => InvalidClass,
        "KUDF004" => InvalidName,
        "KUDF005" => DuplicateName,
        "KUDF006" => FlagNotBool,
        "KUDF007" => ValidatableObject,
        _ => UnsupportedRule,
    };
}
