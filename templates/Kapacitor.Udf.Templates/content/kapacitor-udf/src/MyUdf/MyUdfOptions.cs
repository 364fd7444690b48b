using System.ComponentModel.DataAnnotations;
using Kapacitor.Udf;

namespace MyUdf;

#if (stream)
/// <summary>
/// The UDF's options, as the TICKscript writes them: <c>@udfFunctionName().field('value').factor(2.0).as('scaled')</c>.
/// Each public property is an option (camelCase); Kapacitor checks the types when the task is defined, the library
/// checks the rest (required options, the validation attributes) at Init and reports every problem at once.
/// </summary>
public sealed class MyUdfOptions
{
    /// <summary>The float field to read (a missing field reads as 0).</summary>
    [Required]
    public required string Field { get; init; }

    /// <summary>The factor to multiply it by (a DOUBLE: <c>.factor(2.0)</c>, not <c>.factor(2)</c>).</summary>
    public double Factor { get; init; } = 1.0;

    /// <summary>The output field (<c>as</c> is a C# keyword, hence the attribute).</summary>
    [UdfOption("as")]
    [Required]
    public string As { get; init; } = "scaled";
}
#else
/// <summary>
/// The UDF's options, as the TICKscript writes them: <c>@udfFunctionName().field('value').as('deviation')</c>.
/// Each public property is an option (camelCase); Kapacitor checks the types when the task is defined, the library
/// checks the rest (required options, the validation attributes) at Init and reports every problem at once.
/// </summary>
public sealed class MyUdfOptions
{
    /// <summary>The float field to read (a missing field reads as 0).</summary>
    [Required]
    public required string Field { get; init; }

    /// <summary>The output field (<c>as</c> is a C# keyword, hence the attribute).</summary>
    [UdfOption("as")]
    [Required]
    public string As { get; init; } = "deviation";
}
#endif
