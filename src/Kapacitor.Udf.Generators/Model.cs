using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Kapacitor.Udf.Generators;

/// <summary>An options class ready to emit: every type name and expression already written as C#.</summary>
internal sealed record OptionsClass(
    string HintName,
    string TypeName,
    bool HasRequiredMembers,
    EquatableArray<OptionProperty> Options);

/// <summary>One option: the arguments of <c>new UdfOptionModel&lt;T&gt;(...)</c> and its initializer, as C#.</summary>
internal sealed record OptionProperty(
    string Name,
    string PropertyName,
    EquatableArray<string> Kinds,
    bool Required,
    bool IsFlag,
    string SetExpression,
    string GetExpression,
    string? Collect,
    string? Constructor,
    string? Deconstructor,
    EquatableArray<string> Rules,
    InitSetter? InitSetter);

/// <summary>An init-only property is set after construction through an <c>[UnsafeAccessor]</c> to its setter.</summary>
internal sealed record InitSetter(string MethodName, string PropertyName, string DeclaringType, string ValueType);

/// <summary>A diagnostic without symbols or syntax trees, so it can be cached between runs.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Diagnostics.ById(Id), Location?.ToLocation(), Arguments.Cast<object>().ToArray());
}

internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location) =>
        location is { IsInSource: true } ? new LocationInfo(location.SourceTree!.FilePath, location.SourceSpan, location.GetLineSpan().Span) : null;

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

/// <summary>What the generator produces for one compilation: the classes to emit and the errors to report.</summary>
internal sealed record GenerationResult(EquatableArray<OptionsClass> Classes, EquatableArray<DiagnosticInfo> Diagnostics);
