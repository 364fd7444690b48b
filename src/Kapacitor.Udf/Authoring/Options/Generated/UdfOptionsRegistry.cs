using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Kapacitor.Udf.Generated;

/// <summary>
/// Where the source generator's code registers each options class, from a module initializer of the assembly that
/// declares it; the library looks a class up here by its type. Generated code calls it; nothing else should.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class UdfOptionsRegistry
{
    // A plain dictionary under a lock: this runs on the Info probe, at every kapacitord start.
    private static readonly Dictionary<Type, UdfOptionsModel> Models = [];

    /// <summary>Registers an options class (the first registration of a type wins).</summary>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <param name="model">Its generated description.</param>
    public static void Register<TOptions>(UdfOptionsModel<TOptions> model)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (Models)
        {
            Models.TryAdd(typeof(TOptions), model);
        }
    }

    internal static UdfOptionsModel<TOptions> For<TOptions>()
        where TOptions : class =>
        Cache<TOptions>.Model ??= (UdfOptionsModel<TOptions>)For(typeof(TOptions));

    /// <exception cref="InvalidOperationException">No generated code registered <paramref name="type"/>; the message names the fix.</exception>
    internal static UdfOptionsModel For(Type type)
    {
        if (TryGet(type) is { } model)
        {
            return model;
        }

        // A type object alone does not run the module initializers of the assembly declaring it (under the JIT; a
        // native executable runs them all at start-up), and nothing else of that assembly may have run yet.
        RuntimeHelpers.RunModuleConstructor(type.Module.ModuleHandle);
        return TryGet(type) ?? throw new InvalidOperationException(
            $"{type.FullName} has no generated UDF options code: the Kapacitor.Udf source generator did not compile it as an options class. " +
            $"Reference the Kapacitor.Udf package in the project that declares {type.Name} (a project reference to the library " +
            "needs the generator too: <ProjectReference Include=\"...Kapacitor.Udf.Generators.csproj\" OutputItemType=\"Analyzer\" ReferenceOutputAssembly=\"false\" />), " +
            $"and mark {type.Name} [UdfOptionsClass] if that project never uses it as a UDF's options type itself");
    }

    private static UdfOptionsModel? TryGet(Type type)
    {
        lock (Models)
        {
            return Models.GetValueOrDefault(type);
        }
    }

    private static class Cache<TOptions>
        where TOptions : class
    {
        public static UdfOptionsModel<TOptions>? Model;
    }
}
