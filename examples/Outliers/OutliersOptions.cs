using System.ComponentModel.DataAnnotations;

namespace Kapacitor.Udf.Examples.Outliers;

/// <summary><c>@outliers().field('value').scale(1.5)</c></summary>
internal sealed class OutliersOptions
{
    /// <summary>The float field to test.</summary>
    [Required]
    public required string Field { get; init; }

    /// <summary>The fence multiplier: how many interquartile ranges beyond the quartiles a value must lie.</summary>
    [Range(1.0, double.PositiveInfinity)]
    public double Scale { get; init; } = 1.5;
}
