namespace Kapacitor.Udf.Simulator.TickScript;

/// <summary>
/// The task would not define: an option expression does not parse, or does not match the UDF's declared options.
/// Raised before any task connection is opened, as <c>kapacitor define</c> fails before anything runs.
/// </summary>
public sealed class DefineException : Exception
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">The message; for option checks, Kapacitor's own text.</param>
    public DefineException(string message)
        : base(message)
    {
    }
}
