using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Kapacitor.Udf.Generators;

/// <summary>
/// Finds the options classes of a compilation and emits, for each, the model the library binds through (see
/// <see cref="OptionsEmitter"/>). A class is an options class when this compilation declares it and either uses it as
/// the type argument of a type parameter marked <c>[UdfOptionsClass]</c> (<c>StreamUdf&lt;T&gt;</c>, <c>UdfFunction.Stream&lt;T&gt;</c>,
/// <c>UdfOptions.Bind&lt;T&gt;</c>, the test kit's <c>InitAsync(T)</c>, ...; explicit or inferred) or marks the class
/// <c>[UdfOptionsClass]</c> itself.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class UdfOptionsGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var marked = context.SyntaxProvider.ForAttributeWithMetadataName(
            Names.OptionsClassAttribute,
            static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
            static (ctx, _) => ctx.TargetSymbol is INamedTypeSymbol type ? MetadataName(type) : "");

        var used = context.SyntaxProvider.CreateSyntaxProvider(
            static (node, _) => node is GenericNameSyntax || (node is InvocationExpressionSyntax { ArgumentList.Arguments.Count: > 0 } invocation && invocation.Expression is not GenericNameSyntax),
            static (ctx, ct) => UsedOptionsTypes(ctx.Node, ctx.SemanticModel, ct));

        var names = marked.Collect().Combine(used.Collect()).Select(static (pair, _) =>
            pair.Left.Where(n => n.Length > 0).Concat(pair.Right.SelectMany(n => n)).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToEquatableArray());

        var result = names.Combine(context.CompilationProvider).Select(static (pair, ct) => Read(pair.Left, pair.Right, ct));

        context.RegisterSourceOutput(result, static (spc, generation) =>
        {
            foreach (var diagnostic in generation.Diagnostics)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            foreach (var options in generation.Classes)
            {
                spc.AddSource(options.HintName + ".UdfOptions.g.cs", OptionsEmitter.Emit(options));
            }
        });
    }

    private static GenerationResult Read(EquatableArray<string> names, Compilation compilation, CancellationToken cancellationToken)
    {
        var classes = new List<OptionsClass>();
        var diagnostics = new List<DiagnosticInfo>();
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (compilation.Assembly.GetTypeByMetadataName(name) is not { } type)
            {
                continue;
            }

            var (options, problems) = OptionsReader.Read(type);
            diagnostics.AddRange(problems);
            if (options is not null)
            {
                classes.Add(options);
            }
        }

        return new GenerationResult(classes.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    // The type arguments given to marked type parameters at this node, when this compilation declares them. A node
    // is a generic name (a base class, a constructed type, an explicit generic call) or a call whose type arguments
    // may be inferred (harness.InitAsync(new MyOptions { ... })).
    private static EquatableArray<string> UsedOptionsTypes(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        var symbol = model.GetSymbolInfo(node, cancellationToken).Symbol;
        var (parameters, arguments) = symbol switch
        {
            INamedTypeSymbol { IsGenericType: true } type => (type.OriginalDefinition.TypeParameters, type.TypeArguments),
            IMethodSymbol { IsGenericMethod: true } method => (method.OriginalDefinition.TypeParameters, method.TypeArguments),
            _ => (ImmutableArray<ITypeParameterSymbol>.Empty, ImmutableArray<ITypeSymbol>.Empty),
        };

        List<string>? found = null;
        for (var i = 0; i < parameters.Length && i < arguments.Length; i++)
        {
            if (arguments[i] is INamedTypeSymbol { TypeKind: TypeKind.Class } argument
                && SymbolEqualityComparer.Default.Equals(argument.ContainingAssembly, model.Compilation.Assembly)
                && parameters[i].GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == Names.OptionsClassAttribute))
            {
                (found ??= []).Add(MetadataName(argument.OriginalDefinition));
            }
        }

        return found is null ? default : found.ToEquatableArray();
    }

    // The name GetTypeByMetadataName finds: namespace, then containing types joined by '+'.
    private static string MetadataName(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }

        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }
}
