namespace Kapacitor.Udf;

/// <summary>
/// The TICKscript options did not bind: every problem found, each naming the fix. Thrown by
/// <see cref="UdfOptions.Bind{TOptions}(IEnumerable{Protocol.Option})"/>; the base classes answer it as one
/// <c>InitResponse</c> error, which Kapacitor shows as <c>failed to initialize processes &lt;message&gt;</c>.
/// </summary>
public sealed class UdfOptionsException : Exception
{
    /// <summary>Creates the error from one or more problems.</summary>
    /// <param name="problems">What is wrong, one entry per problem, each naming the TICKscript fix.</param>
    public UdfOptionsException(IReadOnlyList<string> problems)
        : base(string.Join("; ", problems ?? throw new ArgumentNullException(nameof(problems))))
    {
        Problems = problems;
    }

    /// <summary>Creates the error from a single problem, for checks an <c>OnInitAsync</c> makes itself.</summary>
    /// <param name="problem">What is wrong and how to fix it in the TICKscript.</param>
    public UdfOptionsException(string problem)
        : this([problem])
    {
    }

    /// <summary>Every problem, in the order found.</summary>
    public IReadOnlyList<string> Problems { get; }
}
