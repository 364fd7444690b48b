using System.Text;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace Kapacitor.Udf;

/// <summary>
/// Formats each log event as exactly one STDERR line that Kapacitor can carry: Kapacitor logs every UDF stderr line
/// at info level as <c>UDF log</c> (so the level goes into the text), and a line over 64 KiB silently stops it
/// reading stderr until the UDF blocks (docs/protocol.md, "STDERR"). Newlines (stack traces) are folded and lines are capped.
/// </summary>
/// <remarks>Format: <c>2026-01-02T03:04:05.678Z E! [task=cpu node=movingAvg2 reason=HandlerFailed] message | exception</c>.</remarks>
internal sealed class UdfLogFormatter : ITextFormatter
{
    /// <summary>The longest line written, in characters: at most 3 UTF-8 bytes each, well under 64 KiB.</summary>
    public const int MaxLineLength = 16 * 1024;

    private const string Fold = " | ";
    private const string Truncated = " …[truncated]";

    /// <inheritdoc />
    public void Format(LogEvent logEvent, TextWriter output)
    {
        var line = new StringBuilder(256);
        line.Append(logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
        line.Append(' ').Append(LevelCode(logEvent.Level)).Append(' ');
        AppendScope(line, logEvent);
        AppendMessage(line, logEvent);
        if (logEvent.Exception is { } exception)
        {
            line.Append(Fold).Append(exception);
        }

        output.Write(SingleLine(line));
        output.Write('\n');
    }

    // Kapacitor's own level prefixes, so a UDF's lines read like the rest of kapacitord's log.
    private static string LevelCode(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => "D!",
        LogEventLevel.Information => "I!",
        LogEventLevel.Warning => "W!",
        _ => "E!",
    };

    private static void AppendScope(StringBuilder line, LogEvent logEvent)
    {
        var task = Raw(logEvent, "TaskId");
        var node = Raw(logEvent, "NodeId");
        var connection = Raw(logEvent, "Connection");
        // Set in socket mode when one executable serves several UDFs, each on its own socket.
        var udf = Raw(logEvent, "Udf");
        // Why an agent or connection ended (UdfFailureReason), on the lines that report it.
        var reason = Raw(logEvent, "Reason");
        if (task is null && node is null && connection is null && udf is null && reason is null)
        {
            return;
        }

        line.Append('[');
        var first = true;
        Append(line, "udf", udf, ref first);
        Append(line, "conn", connection, ref first);
        Append(line, "task", task, ref first);
        Append(line, "node", node, ref first);
        Append(line, "reason", reason, ref first);
        line.Append("] ");

        static void Append(StringBuilder line, string key, string? value, ref bool first)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }

            line.Append(first ? "" : " ").Append(key).Append('=').Append(value);
            first = false;
        }
    }

    // Strings render raw (Serilog would quote them); everything else as Serilog renders it.
    private static void AppendMessage(StringBuilder line, LogEvent logEvent)
    {
        using var writer = new StringWriter(line, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken property && logEvent.Properties.TryGetValue(property.PropertyName, out var value))
            {
                if (value is ScalarValue { Value: string text })
                {
                    line.Append(text);
                }
                else
                {
                    value.Render(writer, property.Format, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            else
            {
                token.Render(logEvent.Properties, writer, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    private static string? Raw(LogEvent logEvent, string name) =>
        logEvent.Properties.TryGetValue(name, out var value) && value is ScalarValue { Value: { } scalar }
            ? scalar.ToString()
            : null;

    private static string SingleLine(StringBuilder line)
    {
        line.Replace("\r\n", Fold).Replace('\r', ' ').Replace("\n", Fold);
        if (line.Length > MaxLineLength)
        {
            line.Length = MaxLineLength - Truncated.Length;
            line.Append(Truncated);
        }

        return line.ToString();
    }
}
