namespace Kapacitor.Udf.Simulator.Cli;

// The simulator's exit codes.
internal static class ExitCodes
{
    // The run was clean.
    public const int Clean = 0;

    // The UDF broke the protocol, failed, or did not exit cleanly.
    public const int Violations = 1;

    // The command line, the input or the task definition (options against the UDF's Info) is wrong.
    public const int Usage = 2;
}
