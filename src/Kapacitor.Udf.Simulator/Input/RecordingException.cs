namespace Kapacitor.Udf.Simulator.Input;

/// <summary>
/// A file is not a recording as <c>kapacitor record</c> writes it. The message names the place (the record of a stream
/// recording, or the entry and line of a batch recording), the byte offset in the decompressed data, and the problem.
/// </summary>
public sealed class RecordingException : FormatException
{
    /// <summary>Creates the error for the file as a whole.</summary>
    /// <param name="message">What is wrong.</param>
    public RecordingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error for a place in the recording.</summary>
    /// <param name="place">Where, e.g. <c>record 12 (line 34)</c> or <c>entry 0, line 7</c>.</param>
    /// <param name="offset">The byte offset in the decompressed data.</param>
    /// <param name="problem">What is wrong there.</param>
    public RecordingException(string place, long offset, string problem)
        : base($"{place} (byte offset {offset}): {problem}")
    {
        Offset = offset;
    }

    /// <summary>The byte offset in the decompressed data; <see langword="null"/> for the file as a whole.</summary>
    public long? Offset { get; }
}
