namespace Kapacitor.Udf.Agent;

/// <summary>The two parties whose idleness decides when buffered data is flushed.</summary>
internal enum InputSide
{
    /// <summary>The reader, while it has complete frames in hand.</summary>
    Reader,

    /// <summary>The worker, while its queue is not empty or a call runs.</summary>
    Worker,
}
