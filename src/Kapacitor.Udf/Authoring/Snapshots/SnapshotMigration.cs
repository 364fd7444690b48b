namespace Kapacitor.Udf;

/// <summary>Turns a snapshot of another format version into the current state.</summary>
/// <typeparam name="TState">The current state type.</typeparam>
/// <param name="fromVersion">The version that wrote it, or <see langword="null"/> for bytes without the versioned
/// envelope (written before the UDF used <see cref="SnapshotCodec{TState}"/>, or garbage).</param>
/// <param name="payload">That version's payload (for <see langword="null"/>: all the bytes).</param>
/// <returns>The state, or <see langword="null"/> when this version cannot be migrated (the policy then decides).
/// An exception counts as <see langword="null"/> and is reported.</returns>
public delegate TState? SnapshotMigration<TState>(int? fromVersion, ReadOnlySpan<byte> payload);
