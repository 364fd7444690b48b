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

    /// <summary>The FaultyUdf's Init: <c>@faulty().fault(FAULT).faultAfter(N)</c>, with its signal directory and delay
    /// when given.</summary>
    public static Request FaultyInit(string fault, long faultAfter = 0, string? signals = null, long delayMs = 0, string taskId = "task")
    {
        var init = new InitRequest
        {
            TaskID = taskId,
            NodeID = "faulty1",
            Options =
            {
                new Option { Name = "fault", Values = { new OptionValue { StringValue = fault } } },
                new Option { Name = "faultAfter", Values = { new OptionValue { IntValue = faultAfter } } },
            },
        };
        if (signals is not null)
        {
            init.Options.Add(new Option { Name = "signals", Values = { new OptionValue { StringValue = signals } } });
        }

        if (delayMs > 0)
        {
            init.Options.Add(new Option { Name = "delayMs", Values = { new OptionValue { IntValue = delayMs } } });
        }

        return new Request { Init = init };
    }
}
