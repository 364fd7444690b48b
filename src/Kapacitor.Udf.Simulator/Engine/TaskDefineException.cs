namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>
/// <c>kapacitor define</c> would refuse the task before the UDF ever sees it: an option call that is not valid
/// TICKscript, names no declared option, or has the wrong argument count or types, or an edge type the UDF does not
/// want. The message is Kapacitor's own text where Kapacitor has one.
/// </summary>
public sealed class TaskDefineException : Exception
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">Why the task is refused.</param>
    public TaskDefineException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error for an option call that is not valid TICKscript.</summary>
    /// <param name="message">Why the task is refused.</param>
    /// <param name="innerException">The parser's error.</param>
    public TaskDefineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
