namespace Kapacitor.Udf;

/// <summary>Data was emitted after the agent stopped, failed, or lost its output.</summary>
public sealed class UdfOutputClosedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why the output is closed.</param>
    /// <param name="innerException">The transport error, if that is the reason.</param>
    public UdfOutputClosedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
