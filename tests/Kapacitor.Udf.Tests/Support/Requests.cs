using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Support;

/// <summary>Requests as Kapacitor sends them.</summary>
internal static class Requests
{
    public static Request Info() => new() { Info = new InfoRequest() };

    public static Request Init(string taskId = "task", string nodeId = "udf1") =>
        new() { Init = new InitRequest { TaskID = taskId, NodeID = nodeId } };

    public static Request Keepalive(long time) => new() { Keepalive = new KeepaliveRequest { Time = time } };

    public static Request Snapshot() => new() { Snapshot = new SnapshotRequest() };

    public static Request Restore(byte[] bytes) =>
        new() { Restore = new RestoreRequest { Snapshot = Google.Protobuf.ByteString.CopyFrom(bytes) } };

    public static Request Point(long time, double value = 1, string group = "") => new()
    {
        Point = new Point
        {
            Time = time,
            Name = "cpu",
            Database = "db",
            RetentionPolicy = "rp",
            Group = group,
            FieldsDouble = { ["value"] = value },
        },
    };

    public static Request Begin(long size = 0) => new() { Begin = new BeginBatch { Name = "cpu", Size = size } };

    public static Request End(long tmax = 0) => new() { End = new EndBatch { Name = "cpu", Tmax = tmax } };
}
