namespace Kapacitor.Udf.LoadTool.Targets;

/// <summary>One connection to a UDF: a process's STDIN/STDOUT (or, in tests, an in-process agent).</summary>
internal interface IUdfTarget : IDisposable
{
    /// <summary>Where requests go (the UDF's STDIN).</summary>
    Stream Input { get; }

    /// <summary>Where responses come from (the UDF's STDOUT).</summary>
    Stream Output { get; }

    /// <summary>The process whose memory /proc shows (VmHWM); <see langword="null"/> when there is none.</summary>
    int? ProcessId { get; }

    /// <summary>The CPU the UDF has used for this connection, once it has ended (after <see cref="WaitForExit"/>
    /// returned an exit code); <see langword="null"/> when it cannot be measured.</summary>
    TimeSpan? Cpu { get; }

    /// <summary>Ends the input, as Kapacitor closing STDIN.</summary>
    void CloseInput();

    /// <summary>Waits for the UDF to end (process exit).</summary>
    /// <returns>The exit code, or <see langword="null"/> if it did not end within <paramref name="timeout"/>.</returns>
    int? WaitForExit(TimeSpan timeout);

    /// <summary>Ends the UDF at once (a stuck run).</summary>
    void Kill();

    /// <summary>The last lines the UDF wrote to STDERR, for error reports.</summary>
    string StderrTail { get; }
}

/// <summary>Starts a fresh <see cref="IUdfTarget"/> per run, as Kapacitor starts a process per task node.</summary>
internal interface IUdfTargetFactory
{
    /// <summary>What is being measured, for the report.</summary>
    string Description { get; }

    /// <summary>Starts one.</summary>
    IUdfTarget Start();
}
