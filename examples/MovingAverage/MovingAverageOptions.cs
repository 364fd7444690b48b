using System.ComponentModel.DataAnnotations;

namespace Kapacitor.Udf.Examples.MovingAverage;

/// <summary><c>@movingAverage().field('value').size(10).as('avg')</c></summary>
internal sealed class MovingAverageOptions
{
    /// <summary>The float field to average.</summary>
    [Required]
    public required string Field { get; init; }

    /// <summary>How many points of a group the average covers.</summary>
    [Range(1, int.MaxValue)]
    public required int Size { get; init; }

    /// <summary>The output field (<c>as</c> is a C# keyword, hence the attribute).</summary>
    [UdfOption("as")]
    [Required]
    public string As { get; init; } = "avg";
}
