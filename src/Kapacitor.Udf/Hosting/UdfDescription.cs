using System.Globalization;
using System.Text;
using Kapacitor.Udf.Codec;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// Ready-to-paste <c>kapacitor.conf</c> and TICKscript snippets for a UDF, built from its <see cref="InfoResponse"/>.
/// Plain text with <c>\n</c> line endings, so every front end (a UDF's <c>--describe</c>, the simulator's
/// <c>info</c> command) prints exactly the same thing.
/// </summary>
internal static class UdfDescription
{
    /// <summary>The keepalive timeout written into the configuration: Kapacitor's sample value. Kapacitor has no default.</summary>
    public const string DefaultTimeout = "10s";

    /// <summary>The reminder printed under every TICKscript snippet.</summary>
    public const string Pitfalls =
        "// TICKscript option types must match exactly: 10 is an INT and 10.0 a DOUBLE; strings take 'single quotes' (\"double quotes\" are field references).";

    /// <summary>Describes a UDF that Kapacitor starts as a process.</summary>
    /// <param name="info">The UDF's answer to the InfoRequest.</param>
    /// <param name="name">The name the TICKscript calls it by (<c>@name()</c>), the key in <c>[udf.functions.name]</c>.</param>
    /// <param name="prog">The executable Kapacitor runs.</param>
    /// <param name="args">Its arguments.</param>
    /// <returns>A summary line, the configuration block and a TICKscript with an example value for every option.</returns>
    public static string ForProcess(InfoResponse info, string name, string prog, IReadOnlyList<string> args) =>
        Compose(info, name, ProcessConfig(name, prog, args));

    /// <summary>Describes a UDF that Kapacitor reaches over a Unix socket.</summary>
    /// <param name="info">The UDF's answer to the InfoRequest.</param>
    /// <param name="name">The name the TICKscript calls it by (<c>@name()</c>), the key in <c>[udf.functions.name]</c>.</param>
    /// <param name="socketPath">The socket the UDF listens on.</param>
    /// <returns>A summary line, the configuration block and a TICKscript with an example value for every option.</returns>
    public static string ForSocket(InfoResponse info, string name, string socketPath) =>
        Compose(info, name, SocketConfig(name, socketPath));

    /// <summary>The <c>kapacitor.conf</c> block for a process UDF.</summary>
    /// <param name="name">The UDF name.</param>
    /// <param name="prog">The executable.</param>
    /// <param name="args">Its arguments.</param>
    /// <returns>The TOML block.</returns>
    public static string ProcessConfig(string name, string prog, IReadOnlyList<string> args)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(prog);
        ArgumentNullException.ThrowIfNull(args);
        var builder = new StringBuilder();
        builder.Append("[udf.functions.").Append(name).Append("]\n");
        builder.Append("  prog = ").Append(TomlString(prog)).Append('\n');
        builder.Append("  args = [").AppendJoin(", ", args.Select(TomlString)).Append("]\n");
        AppendTimeout(builder);
        return builder.ToString();
    }

    /// <summary>The <c>kapacitor.conf</c> block for a socket UDF.</summary>
    /// <param name="name">The UDF name.</param>
    /// <param name="socketPath">The socket path.</param>
    /// <returns>The TOML block.</returns>
    public static string SocketConfig(string name, string socketPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        var builder = new StringBuilder();
        builder.Append("[udf.functions.").Append(name).Append("]\n");
        builder.Append("  socket = ").Append(TomlString(socketPath)).Append('\n');
        AppendTimeout(builder);
        return builder.ToString();
    }

    /// <summary>
    /// A TICKscript that feeds the UDF the edge it wants (<c>stream|from()</c> or <c>batch|query()</c>) and sets every
    /// declared option, in name order, to an example of exactly the declared types, with the types in a comment.
    /// </summary>
    /// <param name="info">The UDF's answer to the InfoRequest.</param>
    /// <param name="name">The UDF name.</param>
    /// <returns>The TICKscript, followed by <see cref="Pitfalls"/>.</returns>
    public static string TickScript(InfoResponse info, string name)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var builder = new StringBuilder();
        if (info.Wants == EdgeType.Batch)
        {
            builder.Append("batch\n");
            builder.Append("    |query('SELECT * FROM \"mydb\".\"autogen\".\"measurement\"')\n");
            builder.Append("        .period(1m)\n");
            builder.Append("        .every(1m)\n");
        }
        else
        {
            builder.Append("stream\n");
            builder.Append("    |from()\n");
            builder.Append("        .measurement('measurement')\n");
        }

        builder.Append("    @").Append(name).Append("()\n");
        var calls = info.Options
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => (Call: $".{o.Key}({string.Join(", ", o.Value.ValueTypes.Select(ValueTypeText.ExampleLiteral))})",
                Types: o.Value.ValueTypes.Count == 0 ? "no arguments" : string.Join(", ", o.Value.ValueTypes.Select(ValueTypeText.Name))))
            .ToList();
        var width = calls.Count == 0 ? 0 : calls.Max(c => c.Call.Length);
        foreach (var (call, types) in calls)
        {
            builder.Append("        ").Append(call.PadRight(width)).Append(" // ").Append(types).Append('\n');
        }

        builder.Append("    |httpOut('").Append(name).Append("')\n");
        builder.Append('\n').Append(Pitfalls).Append('\n');
        return builder.ToString();
    }

    /// <summary>The UDF's option table as plain text: each option, its argument types and an example call.</summary>
    /// <param name="info">The UDF's answer to the InfoRequest.</param>
    /// <returns>One line per option (name order), or a line saying there are none.</returns>
    public static string OptionsTable(InfoResponse info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Options.Count == 0)
        {
            return "# options: none\n";
        }

        var rows = info.Options
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => (Name: o.Key,
                Types: o.Value.ValueTypes.Count == 0 ? "(no arguments)" : string.Join(", ", o.Value.ValueTypes.Select(ValueTypeText.Name)),
                Example: $".{o.Key}({string.Join(", ", o.Value.ValueTypes.Select(ValueTypeText.ExampleLiteral))})"))
            .ToList();
        var nameWidth = Math.Max("option".Length, rows.Max(r => r.Name.Length));
        var typesWidth = Math.Max("types".Length, rows.Max(r => r.Types.Length));
        var builder = new StringBuilder();
        builder.Append("# ").Append("option".PadRight(nameWidth)).Append("  ").Append("types".PadRight(typesWidth)).Append("  example\n");
        foreach (var (name, types, example) in rows)
        {
            builder.Append("# ").Append(name.PadRight(nameWidth)).Append("  ").Append(types.PadRight(typesWidth)).Append("  ").Append(example).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>A TICKscript identifier in Kapacitor's style from a program's name: <c>MovingAverage</c> becomes
    /// <c>movingAverage</c>, <c>moving-avg.v2</c> becomes <c>movingAvgV2</c>.</summary>
    /// <param name="text">The program's name (no directory).</param>
    /// <returns>A name usable as <c>@name()</c> and in <c>[udf.functions.name]</c>.</returns>
    public static string NameFor(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        var upper = false;
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                builder.Append(upper && builder.Length > 0 ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else
            {
                upper = true;
            }
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, "udf");
        }

        builder[0] = char.ToLowerInvariant(builder[0]);
        return builder.ToString();
    }

    private static string Compose(InfoResponse info, string name, string config)
    {
        ArgumentNullException.ThrowIfNull(info);
        var count = info.Options.Count;
        var builder = new StringBuilder();
        builder.Append("# UDF ").Append(name)
            .Append(": wants ").Append(EdgeName(info.Wants))
            .Append(", provides ").Append(EdgeName(info.Provides))
            .Append(", ").Append(count.ToString(CultureInfo.InvariantCulture)).Append(count == 1 ? " option" : " options")
            .Append("\n\n");
        builder.Append("# kapacitor.conf (Kapacitor reads the UDF's options at startup: restart kapacitord after changing them)\n");
        builder.Append(config);
        builder.Append('\n');
        builder.Append("// TICKscript\n");
        builder.Append(TickScript(info, name));
        return builder.ToString();
    }

    private static void AppendTimeout(StringBuilder builder) =>
        builder.Append("  timeout = \"").Append(DefaultTimeout).Append("\"  # required: Kapacitor has no default\n");

    private static string EdgeName(EdgeType edge) => edge == EdgeType.Batch ? "BATCH" : "STREAM";

    // A TOML basic string: backslash, quote and control characters escaped.
    private static string TomlString(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '"':
                    builder.Append("\\\"");
                    break;
                case < ' ' or '\u007f':
                    builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
