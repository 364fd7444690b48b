namespace Kapacitor.Udf.LoadTool.Running;

/// <summary>How a load run drives the UDF.</summary>
internal sealed record LoadOptions
{
    /// <summary>How often a KeepaliveRequest goes out while data streams (between two write chunks);
    /// <see cref="TimeSpan.Zero"/> sends none.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How far the <c>time</c> of successive KeepaliveRequests advances. Kapacitor sends <c>now</c> every
    /// <c>timeout/2</c>, and the agent estimates Kapacitor's timeout from those timestamps, so stepping them 5 s
    /// apart keeps that estimate at a realistic 10 s although the tool sends them every 50 ms.</summary>
    public TimeSpan KeepaliveTimeStep { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A run with no progress (bytes accepted or outputs verified) for this long fails.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Every message as two unbuffered writes, the length prefix then the body, as Kapacitor's Go writer
    /// sends them (so the UDF reads them in small pieces); otherwise whole-frame chunks of the write size.</summary>
    public bool TwoWrites { get; init; }

    /// <summary>How long after the spawn the InitRequest goes out: zero sends it at once, as Kapacitor does at a task
    /// start (its round trip then includes the process's start-up); a delay measures Init on a process already up.</summary>
    public TimeSpan InitDelay { get; init; }

    /// <summary>How long the UDF may take to end its output and exit after its input closes, before it is killed.</summary>
    public TimeSpan ExitTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
