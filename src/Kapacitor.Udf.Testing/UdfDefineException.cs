namespace Kapacitor.Udf.Testing;

/// <summary>
/// An option call Kapacitor would reject when the task is defined (before the UDF ever sees it): an unknown option,
/// a wrong argument count or type. The message is Kapacitor's own text.
/// </summary>
public sealed class UdfDefineException : Exception
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">Kapacitor's message.</param>
    public UdfDefineException(string message)
        : base(message)
    {
    }
}
