namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>
/// Where a UDF lives and how to reach it: a process, a Unix socket, or an in-memory fake. Kapacitor opens a new
/// connection for the Info probe and another for each task, so a target can be opened any number of times.
/// </summary>
public interface IUdfTarget
{
    /// <summary>How the UDF is reached, for messages (<c>prog args...</c> or the socket path).</summary>
    string DisplayName { get; }

    /// <summary>Starts the process or connects to the socket.</summary>
    /// <param name="stderrLine">Called once per line the UDF writes to STDERR (process UDFs only).</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>The open connection.</returns>
    /// <exception cref="IOException">The process could not start or the socket could not be reached.</exception>
    Task<IUdfConnection> OpenAsync(Action<string> stderrLine, CancellationToken cancellationToken);
}

/// <summary>One open connection to a UDF: Kapacitor writes requests to one stream and reads responses from the other.</summary>
public interface IUdfConnection : IAsyncDisposable
{
    /// <summary>Where requests go (the UDF's STDIN, or the socket).</summary>
    Stream Requests { get; }

    /// <summary>Where responses come from (the UDF's STDOUT, or the socket).</summary>
    Stream Responses { get; }

    /// <summary>Ends the UDF's input as Kapacitor does: closes STDIN, or half-closes the socket (<c>SHUT_WR</c>).</summary>
    /// <returns>A task that completes when the input is closed.</returns>
    ValueTask CloseRequestsAsync();

    /// <summary>Waits for the process to exit after its STDERR has ended; completes at once with <see langword="null"/> for a socket.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The exit code, or <see langword="null"/> when there is no process.</returns>
    Task<int?> WaitForExitAsync(CancellationToken cancellationToken);

    /// <summary>Forcibly ends the UDF: kills the process, or closes the socket. Safe to call more than once.</summary>
    void Kill();
}
