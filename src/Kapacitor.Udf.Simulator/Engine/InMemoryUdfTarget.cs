using System.IO.Pipelines;

namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>
/// A UDF running in this process over in-memory pipes, for tests: each connection calls the delegate with fresh
/// streams, and the delegate's return value is the "exit code". When the delegate returns, its output ends (EOF),
/// as a process's STDOUT does when it exits.
/// </summary>
/// <param name="run">The fake UDF: reads requests from <see cref="InMemoryUdf.Input"/>, writes responses to
/// <see cref="InMemoryUdf.Output"/>, returns its exit code. An exception counts as exit code 1.</param>
/// <param name="displayName">The name used in messages.</param>
public sealed class InMemoryUdfTarget(Func<InMemoryUdf, Task<int>> run, string displayName = "in-memory UDF") : IUdfTarget
{
    private int _connections;

    /// <inheritdoc />
    public string DisplayName { get; } = displayName;

    /// <summary>How many connections have been opened so far (the Info probe counts).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <inheritdoc />
    public Task<IUdfConnection> OpenAsync(Action<string> stderrLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stderrLine);
        cancellationToken.ThrowIfCancellationRequested();
        var index = Interlocked.Increment(ref _connections) - 1;
        return Task.FromResult<IUdfConnection>(new Connection(run, index, stderrLine));
    }

    private sealed class Connection : IUdfConnection
    {
        private readonly Pipe _toUdf = new();
        private readonly Pipe _fromUdf = new();
        private readonly CancellationTokenSource _killed = new();
        private readonly Task<int> _exit;

        public Connection(Func<InMemoryUdf, Task<int>> run, int index, Action<string> stderrLine)
        {
            Requests = _toUdf.Writer.AsStream();
            Responses = _fromUdf.Reader.AsStream();
            var udf = new InMemoryUdf(_toUdf.Reader.AsStream(), _fromUdf.Writer.AsStream(), stderrLine, index, _killed.Token);
            _exit = RunAsync(run, udf);
        }

        public Stream Requests { get; }

        public Stream Responses { get; }

        public ValueTask CloseRequestsAsync() => _toUdf.Writer.CompleteAsync();

        public async Task<int?> WaitForExitAsync(CancellationToken cancellationToken) => await _exit.WaitAsync(cancellationToken);

        public void Kill() => _killed.Cancel();

        public async ValueTask DisposeAsync()
        {
            _killed.Cancel();
            try
            {
                await _exit.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                // A fake that ignores its kill token; leave it behind.
            }

            _killed.Dispose();
        }

        private async Task<int> RunAsync(Func<InMemoryUdf, Task<int>> run, InMemoryUdf udf)
        {
            // Off the caller's thread, like a real process: the fake may block before its first await.
            await Task.Yield();
            try
            {
                return await run(udf);
            }
            catch (Exception ex)
            {
                udf.WriteStderr($"unhandled exception: {ex.GetType().Name}: {ex.Message}");
                return 1;
            }
            finally
            {
                // The process is gone: its output ends and it reads no more input.
                await _fromUdf.Writer.CompleteAsync();
                await _toUdf.Reader.CompleteAsync();
            }
        }
    }
}

/// <summary>What an in-memory fake UDF gets for one connection.</summary>
/// <param name="Input">The requests Kapacitor sends (ends when the input is closed).</param>
/// <param name="Output">Where responses go.</param>
/// <param name="WriteStderrLine">Writes one STDERR line.</param>
/// <param name="ConnectionIndex">0 for the first connection (normally the Info probe), 1 for the next, and so on.</param>
/// <param name="Killed">Cancelled when the simulator kills the UDF.</param>
public sealed record InMemoryUdf(Stream Input, Stream Output, Action<string> WriteStderrLine, int ConnectionIndex, CancellationToken Killed)
{
    /// <summary>Writes one STDERR line (Kapacitor logs it as <c>UDF log</c>).</summary>
    /// <param name="line">The line.</param>
    public void WriteStderr(string line) => WriteStderrLine(line);
}
