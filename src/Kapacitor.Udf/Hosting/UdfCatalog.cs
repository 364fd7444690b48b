
namespace Kapacitor.Udf;

/// <summary>The UDFs one executable serves: a single unnamed one, or several selected by name.</summary>
/// <param name="Udfs">Name → handler factory; the single UDF's name is empty.</param>
/// <param name="Named">Whether the UDFs are selected by name (<c>--udf NAME</c>, <c>--socket NAME=PATH</c>).</param>
internal sealed record UdfCatalog(IReadOnlyDictionary<string, Func<UdfHandlerContext, IUdfHandler>> Udfs, bool Named)
{
    public static UdfCatalog Single(Func<UdfHandlerContext, IUdfHandler> factory) =>
        new(new Dictionary<string, Func<UdfHandlerContext, IUdfHandler>> { [""] = factory }, Named: false);

    public static UdfCatalog ByName(IReadOnlyDictionary<string, Func<UdfHandlerContext, IUdfHandler>> udfs)
    {
        ArgumentNullException.ThrowIfNull(udfs);
        if (udfs.Count == 0)
        {
            throw new ArgumentException("at least one UDF is needed", nameof(udfs));
        }

        var copy = new Dictionary<string, Func<UdfHandlerContext, IUdfHandler>>(StringComparer.Ordinal);
        foreach (var (name, factory) in udfs)
        {
            // The name is a kapacitor.conf key and the left side of --socket NAME=PATH.
            if (string.IsNullOrEmpty(name) || name.Contains('=') || name.Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"'{name}' is not a usable UDF name: it must be non-empty, with no '=' or whitespace", nameof(udfs));
            }

            copy[name] = factory ?? throw new ArgumentException($"the UDF '{name}' has no handler factory", nameof(udfs));
        }

        return new UdfCatalog(copy, Named: true);
    }

    /// <summary>The names, sorted, for messages.</summary>
    public string NameList => string.Join(", ", Udfs.Keys.Order(StringComparer.Ordinal));
}

/// <summary>One socket to serve: which UDF, where.</summary>
/// <param name="Name">The UDF's name, or <see langword="null"/> in a single-UDF program.</param>
/// <param name="Path">The socket path.</param>
/// <param name="Factory">The UDF's handler factory.</param>
internal sealed record UdfSocketTarget(string? Name, string Path, Func<UdfHandlerContext, IUdfHandler> Factory);
