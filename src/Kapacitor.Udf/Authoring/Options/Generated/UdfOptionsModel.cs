using System.ComponentModel;

namespace Kapacitor.Udf.Generated;

/// <summary>What an options class declares, as the source generator describes it: the Info option table comes from
/// it and every Init binds through it. Generated code creates it; nothing else should.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class UdfOptionsModel
{
    private protected UdfOptionsModel(Type type, UdfOptionModel[] options)
    {
        Type = type;
        Options = options;
        ByName = new Dictionary<string, int>(options.Length, StringComparer.Ordinal);
        for (var i = 0; i < options.Length; i++)
        {
            // The generator reports duplicate names at compile time (KUDF005).
            ByName.Add(options[i].Name, i);
        }
    }

    internal Type Type { get; }

    /// <summary>The options, in declaration order (the order of error messages).</summary>
    internal UdfOptionModel[] Options { get; }

    internal Dictionary<string, int> ByName { get; }
}

/// <summary>The options class <typeparamref name="TOptions"/> (for generated code).</summary>
/// <typeparam name="TOptions">The options class.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class UdfOptionsModel<TOptions> : UdfOptionsModel
    where TOptions : class
{
    /// <summary>Describes an options class.</summary>
    /// <param name="create">A new instance with every property at its initial value.</param>
    /// <param name="options">Its options, in declaration order.</param>
    public UdfOptionsModel(Func<TOptions> create, params UdfOptionModel<TOptions>[] options)
        : base(typeof(TOptions), options)
    {
        Create = create ?? throw new ArgumentNullException(nameof(create));
        TypedOptions = options;
    }

    internal Func<TOptions> Create { get; }

    internal UdfOptionModel<TOptions>[] TypedOptions { get; }
}
