namespace Kapacitor.Udf;

/// <summary>How <see cref="SnapshotCodec{TState}.Decode(ReadOnlySpan{byte})"/> read a snapshot.</summary>
public enum SnapshotDecodeOutcome
{
    /// <summary>No bytes: nothing to restore.</summary>
    Empty,

    /// <summary>The current format version, read.</summary>
    Restored,

    /// <summary>Another version (or an unversioned snapshot) that the migration turned into state.</summary>
    Migrated,

    /// <summary>Unreadable, discarded under <see cref="UnreadableSnapshotPolicy.StartFresh"/>: start with empty state and warn.</summary>
    Discarded,

    /// <summary>Unreadable, refused under <see cref="UnreadableSnapshotPolicy.Fail"/>: answer <c>success=false</c>.</summary>
    Refused,
}
