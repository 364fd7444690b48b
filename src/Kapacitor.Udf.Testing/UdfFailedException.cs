namespace Kapacitor.Udf.Testing;

/// <summary>The UDF answered with an ErrorResponse (it failed) while the test waited for another answer.</summary>
public sealed class UdfFailedException : Exception
{
    /// <summary>Creates the error.</summary>
    /// <param name="error">The ErrorResponse text.</param>
    public UdfFailedException(string error)
        : base($"the UDF failed: {error}")
    {
        Error = error;
    }

    /// <summary>The ErrorResponse text, as Kapacitor would log it.</summary>
    public string Error { get; }
}
