using System.Text;

namespace Kapacitor.Udf;

/// <summary>
/// What <see cref="Console.Out"/> becomes while the agent owns STDOUT: every write goes to STDERR. Console.Error is
/// only created on the first write, since creating it costs milliseconds of every start and a UDF rarely prints.
/// </summary>
internal sealed class StderrWriter : TextWriter
{
    private TextWriter? _target;

    public override Encoding Encoding => Encoding.UTF8;

    private TextWriter Target => _target ??= Console.Error;

    public override void Write(char value) => Target.Write(value);

    public override void Write(string? value) => Target.Write(value);

    public override void Write(char[] buffer, int index, int count) => Target.Write(buffer, index, count);

    public override void Write(ReadOnlySpan<char> buffer) => Target.Write(buffer);

    public override void WriteLine(string? value) => Target.WriteLine(value);

    public override void WriteLine(ReadOnlySpan<char> buffer) => Target.WriteLine(buffer);

    public override void Flush() => _target?.Flush();
}
