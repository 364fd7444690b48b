namespace Kapacitor.Udf;

/// <summary>
/// What a UDF does with a snapshot it cannot read: one of another format version that no migration turned into
/// state, one written before versioning (or by something else), or bytes that do not deserialize.
/// </summary>
public enum UnreadableSnapshotPolicy
{
    /// <summary>Log a warning and start with empty state (the default). The task keeps running; the state since the
    /// last snapshot is lost, as after any restart without a snapshot.</summary>
    StartFresh = 0,

    /// <summary>Answer <c>success=false</c>. Kapacitor then fails the task with <c>error restoring snapshot: ...</c> on
    /// this and every later start, until the task is deleted (which deletes its snapshot) or a UDF that reads the
    /// snapshot is deployed (kapacitor#679). Choose it only when running on without the state would be wrong.</summary>
    Fail = 1,
}
