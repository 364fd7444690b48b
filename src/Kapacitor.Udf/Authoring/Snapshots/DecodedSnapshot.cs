namespace Kapacitor.Udf;

/// <summary>What <see cref="SnapshotCodec{TState}.Decode(ReadOnlySpan{byte})"/> found in a snapshot: the state, or why there is none.</summary>
/// <typeparam name="TState">The state type.</typeparam>
/// <param name="Outcome">How it was read.</param>
/// <param name="State">The state, for <see cref="SnapshotDecodeOutcome.Restored"/> and <see cref="SnapshotDecodeOutcome.Migrated"/>.</param>
/// <param name="FromVersion">The format version found, or <see langword="null"/> when there was no versioned envelope.</param>
/// <param name="Problem">Why the snapshot could not be read, for <see cref="SnapshotDecodeOutcome.Discarded"/> and <see cref="SnapshotDecodeOutcome.Refused"/>.</param>
public sealed record DecodedSnapshot<TState>(SnapshotDecodeOutcome Outcome, TState? State, int? FromVersion, string? Problem)
    where TState : class;
