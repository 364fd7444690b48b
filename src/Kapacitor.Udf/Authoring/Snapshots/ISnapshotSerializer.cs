using System.Buffers;

namespace Kapacitor.Udf;

/// <summary>Turns a UDF's state into bytes and back: the payload inside a <see cref="SnapshotCodec{TState}"/> envelope.
/// The default is <see cref="JsonSnapshotSerializer{TState}"/>.</summary>
/// <typeparam name="TState">The state type.</typeparam>
public interface ISnapshotSerializer<TState>
{
    /// <summary>Writes <paramref name="state"/>.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="state">The state; never <see langword="null"/>.</param>
    void Serialize(IBufferWriter<byte> output, TState state);

    /// <summary>Reads state written by <see cref="Serialize"/> (of the same format version). May throw on bad input:
    /// the codec turns any exception into its restore policy.</summary>
    /// <param name="payload">The bytes.</param>
    /// <returns>The state, or <see langword="null"/> if the bytes hold none.</returns>
    TState? Deserialize(ReadOnlySpan<byte> payload);
}
