namespace Kapacitor.Udf;

/// <summary>How <see cref="SnapshotCodec{TState}.Decode(ReadOnlySpan{byte})"/> read a snapshot.</summary>
public enum SnapshotRestoreOutcome
{
    /// <summary>No bytes: nothing to restore.</summary>
    Empty,

    /// <summary>The current format version, read.</summary>
    Restored,

    /// <summary>Another version (or an unversioned snapshot) that the migration turned into state.</summary>
    Migrated,

    /// <summary>Unreadable, discarded under <see cref="SnapshotRestorePolicy.StartFresh"/>: start with empty state and warn.</summary>
    Discarded,

    /// <summary>Unreadable, refused under <see cref="SnapshotRestorePolicy.Fail"/>: answer <c>success=false</c>.</summary>
    Refused,
}
