namespace Kapacitor.Udf;

/// <summary>
/// Checks across options (<c>.min</c> must not exceed <c>.max</c>) that the per-property attributes cannot express.
/// Implement it on the options class; the binder calls it last, and only when every option bound and passed its own
/// checks, so it may rely on each value being valid on its own.
/// </summary>
/// <remarks>It replaces <c>System.ComponentModel.DataAnnotations.IValidatableObject</c>, whose
/// <c>ValidationContext</c> needs reflection that a native AOT executable does not have.</remarks>
public interface IValidatableUdfOptions
{
    /// <summary>The problems of these options, each in TICKscript terms naming the fix
    /// (<c>".min(5) must not exceed .max(1)"</c>); none when they are fine.</summary>
    /// <returns>Every problem found, in any order; an empty sequence when the options are valid.</returns>
    IEnumerable<string> Validate();
}
