using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Kapacitor.Udf.Generators;

/// <summary>
/// Reads an options class at compile time: what the reflection binder once found at run time (names, types, flags,
/// tuples and records, lists, required members, validation attributes), written as C# for the emitter, or the
/// errors that make the class unusable, each at the declaration to fix.
/// </summary>
internal sealed class OptionsReader
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayFormat.FullyQualifiedFormat.MiscellaneousOptions | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat ShortFormat = SymbolDisplayFormat.MinimallyQualifiedFormat;

    private readonly INamedTypeSymbol _type;
    private readonly List<DiagnosticInfo> _diagnostics = [];
    private readonly string _typeName;
    private readonly string _className;

    private OptionsReader(INamedTypeSymbol type)
    {
        _type = type;
        _typeName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        _className = type.Name;
    }

    public static (OptionsClass? Class, IReadOnlyList<DiagnosticInfo> Diagnostics) Read(INamedTypeSymbol type)
    {
        var reader = new OptionsReader(type);
        var result = reader.Read();
        return (reader._diagnostics.Count == 0 ? result : null, reader._diagnostics);
    }

    /// <summary>The same rule as System.Text.Json's camelCase: the leading run of capitals is lowered, except the
    /// capital that starts the next word ("URLPath" → "urlPath", "ID" → "id").</summary>
    public static string CamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    private OptionsClass? Read()
    {
        var location = _type.Locations.FirstOrDefault();
        CheckClass(location);
        var properties = new List<OptionProperty>();
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in Candidates())
        {
            if (ReadProperty(property) is not { } option)
            {
                continue;
            }

            if (byName.TryGetValue(option.Name, out var first))
            {
                Report(Diagnostics.DuplicateName, property.Locations.FirstOrDefault(), _className, option.Name, first, property.Name);
                continue;
            }

            byName.Add(option.Name, property.Name);
            properties.Add(option);
        }

        var hint = Sanitize(_type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", ""));
        return new OptionsClass(
            hint,
            _typeName,
            HasRequiredMembers(),
            properties.ToEquatableArray());
    }

    // `new T()` does not compile when T has required members; the generated code constructs it through an
    // [UnsafeAccessor] to its parameterless constructor instead, and the binder reports required options itself.
    private bool HasRequiredMembers()
    {
        for (var t = _type; t is not null; t = t.BaseType)
        {
            if (t.GetMembers().Any(m => m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true }))
            {
                return true;
            }
        }

        return false;
    }

    private void CheckClass(Location? location)
    {
        if (_type.IsAbstract || _type.IsStatic)
        {
            Report(Diagnostics.InvalidClass, location, _className, "an options class cannot be abstract or static: the binder creates one instance per Init");
        }

        if (_type.IsGenericType)
        {
            Report(Diagnostics.InvalidClass, location, _className, "an options class cannot be generic: declare a non-generic class with the options");
        }

        for (var t = _type; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            {
                Report(Diagnostics.InvalidClass, location, _className, $"{t.Name} is {AccessibilityText(t)}: make it internal or public so the generated code in this assembly can reach it");
                break;
            }
        }

        if (!_type.IsAbstract && !_type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Microsoft.CodeAnalysis.Accessibility.Public))
        {
            Report(Diagnostics.InvalidClass, location, _className, "an options class needs a public parameterless constructor");
        }

        if (_type.AllInterfaces.Any(i => i.ToDisplayString() == Names.ValidatableObject))
        {
            Report(Diagnostics.ValidatableObject, location, _className);
        }
    }

    private static string AccessibilityText(INamedTypeSymbol type) => type.DeclaredAccessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Private => "private",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        _ => "private protected",
    };

    // Public instance properties with a public getter and setter (or init), base class first, each in declaration
    // order: the order problems are reported in. An override counts once, where it is declared first.
    private List<IPropertySymbol> Candidates()
    {
        var chain = new List<INamedTypeSymbol>();
        for (var t = _type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        {
            chain.Insert(0, t);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<IPropertySymbol>();
        var mostDerived = new Dictionary<string, IPropertySymbol>(StringComparer.Ordinal);
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            foreach (var property in chain[i].GetMembers().OfType<IPropertySymbol>())
            {
                if (!mostDerived.ContainsKey(property.Name))
                {
                    mostDerived.Add(property.Name, property);
                }
            }
        }

        foreach (var type in chain)
        {
            foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Microsoft.CodeAnalysis.Accessibility.Public || !seen.Add(property.Name))
                {
                    continue;
                }

                var effective = mostDerived[property.Name];
                if (effective.GetMethod is { DeclaredAccessibility: Microsoft.CodeAnalysis.Accessibility.Public }
                    && effective.SetMethod is { DeclaredAccessibility: Microsoft.CodeAnalysis.Accessibility.Public })
                {
                    result.Add(effective);
                }
            }
        }

        return result;
    }

    private OptionProperty? ReadProperty(IPropertySymbol property)
    {
        var location = property.Locations.FirstOrDefault();
        string? optionName = null;
        string? flagName = null;
        var isFlag = false;
        var rules = new List<(AttributeData Attribute, string Kind)>();
        var ok = true;
        foreach (var attribute in property.GetAttributes())
        {
            var name = attribute.AttributeClass?.ToDisplayString() ?? "";
            switch (name)
            {
                case Names.OptionAttribute:
                    optionName = attribute.ConstructorArguments.FirstOrDefault().Value as string;
                    break;
                case Names.FlagAttribute:
                    isFlag = true;
                    flagName = attribute.ConstructorArguments.FirstOrDefault().Value as string;
                    break;
                default:
                    var kind = name.StartsWith(Names.DataAnnotations, StringComparison.Ordinal) ? name.Substring(Names.DataAnnotations.Length) : null;
                    if (kind is "RequiredAttribute" or "RangeAttribute" or "MinLengthAttribute" or "MaxLengthAttribute" or "StringLengthAttribute"
                        or "RegularExpressionAttribute" or "AllowedValuesAttribute" or "DeniedValuesAttribute")
                    {
                        rules.Add((attribute, kind.Substring(0, kind.Length - "Attribute".Length)));
                    }
                    else
                    {
                        Report(Diagnostics.UnsupportedAttribute, AttributeLocation(attribute) ?? location, _className, property.Name, ShortName(attribute));
                        ok = false;
                    }

                    break;
            }
        }

        if (optionName is not null && flagName is not null && flagName != optionName)
        {
            Report(Diagnostics.InvalidName, location, _className, property.Name, $"[UdfOption(\"{optionName}\")] and [UdfFlag(\"{flagName}\")] name it differently: keep one name");
            return null;
        }

        var optionNameText = flagName ?? optionName ?? CamelCase(property.Name);
        if (!IsIdentifier(optionNameText))
        {
            Report(Diagnostics.InvalidName, location, _className, property.Name, $"'{optionNameText}' is not a TICKscript option name (a letter, then letters, digits or '_')");
            return null;
        }

        var shape = isFlag ? FlagShape(property, location) : ReadShape(property, location);
        if (shape is null || !ok)
        {
            return null;
        }

        var ruleExpressions = new List<string>();
        foreach (var (attribute, kind) in rules)
        {
            if (Rule(property, attribute, kind, shape.Value, location) is { } expression)
            {
                ruleExpressions.Add(expression);
            }
            else
            {
                ok = false;
            }
        }

        if (!ok)
        {
            return null;
        }

        var propertyType = property.Type.ToDisplayString(TypeFormat);
        var nullable = property.Type.IsReferenceType ? property.NullableAnnotation == NullableAnnotation.Annotated : IsNullableValue(property.Type);
        var cast = $"({propertyType})v{(nullable ? "" : "!")}";
        var setterAccessor = property.SetMethod!.IsInitOnly ? $"Set_{Sanitize(property.Name)}" : null;
        var set = setterAccessor is null ? $"static (o, v) => o.{Escape(property.Name)} = {cast}" : $"static (o, v) => {setterAccessor}(o, {cast})";
        return new OptionProperty(
            optionNameText,
            property.Name,
            shape.Value.Kinds.ToEquatableArray(),
            property.IsRequired,
            isFlag,
            set,
            $"static o => o.{Escape(property.Name)}",
            shape.Value.Collect,
            shape.Value.Constructor,
            shape.Value.Deconstructor,
            ruleExpressions.ToEquatableArray(),
            setterAccessor is null ? null : new InitSetter(setterAccessor, property.Name, property.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), propertyType));
    }

    private readonly record struct Shape(string[] Kinds, ScalarClass Class, string? Collect, string? Constructor, string? Deconstructor);

    private enum ScalarClass
    {
        None,
        Text,
        Number,
        Other,
        List,
    }

    private Shape? FlagShape(IPropertySymbol property, Location? location)
    {
        if (Unwrap(property.Type).SpecialType != SpecialType.System_Boolean)
        {
            Report(Diagnostics.FlagNotBool, location, _className, property.Name);
            return null;
        }

        return new Shape([], ScalarClass.Other, null, null, null);
    }

    private Shape? ReadShape(IPropertySymbol property, Location? location)
    {
        var type = property.Type;
        if (Scalar(Unwrap(type)) is { } kind)
        {
            return new Shape([kind], Classify(kind), null, null, null);
        }

        var element = ListElement(type, out var isArray);
        var value = element ?? type;
        if (element is not null && Scalar(element) is { } elementKind)
        {
            return new Shape([elementKind], ScalarClass.List, Collect(element, isArray), null, null);
        }

        if (Tuple(value) is { } tuple)
        {
            return new Shape(tuple.Kinds, element is null ? ScalarClass.None : ScalarClass.List, element is null ? null : Collect(element, isArray), tuple.Constructor, tuple.Deconstructor);
        }

        Report(Diagnostics.UnsupportedType, location, _className, property.Name, type.ToDisplayString(ShortFormat));
        return null;
    }

    private static string Collect(ITypeSymbol element, bool isArray) =>
        $"static items => {Names.Values}.{(isArray ? "ToArray" : "ToList")}<{element.ToDisplayString(TypeFormat)}>(items)";

    private static ScalarClass Classify(string kind) => kind switch
    {
        "String" => ScalarClass.Text,
        "Int64" or "Int32" or "Double" => ScalarClass.Number,
        _ => ScalarClass.Other,
    };

    private static ITypeSymbol Unwrap(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;

    private static bool IsNullableValue(ITypeSymbol type) => type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

    private static string? Scalar(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_String => "String",
        SpecialType.System_Int64 => "Int64",
        SpecialType.System_Int32 => "Int32",
        SpecialType.System_Double => "Double",
        SpecialType.System_Boolean => "Bool",
        _ => type.ToDisplayString() == "System.TimeSpan" ? "TimeSpan" : null,
    };

    private static ITypeSymbol? ListElement(ITypeSymbol type, out bool isArray)
    {
        isArray = false;
        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            isArray = true;
            return array.ElementType;
        }

        if (type is INamedTypeSymbol { IsGenericType: true } named
            && named.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.List<T>" or "System.Collections.Generic.IList<T>"
                or "System.Collections.Generic.IReadOnlyList<T>" or "System.Collections.Generic.IEnumerable<T>"
                or "System.Collections.Generic.ICollection<T>" or "System.Collections.Generic.IReadOnlyCollection<T>")
        {
            return named.TypeArguments[0];
        }

        return null;
    }

    // A multi-argument option: a value tuple, or a class/record/struct whose only public constructor takes scalars,
    // one per argument, in order. Kapacitor checks the argument count exactly, so no optional parameters.
    private static (string[] Kinds, string Constructor, string? Deconstructor)? Tuple(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named || named.IsAbstract || named.TypeKind is TypeKind.Interface or TypeKind.Delegate
            || named.SpecialType == SpecialType.System_Object || IsNullableValue(named))
        {
            return null;
        }

        var typeName = named.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeFormat);
        if (named.IsTupleType)
        {
            var elements = named.TupleElements;
            if (elements.Length is < 2 or > 7 || elements.Any(e => Scalar(e.Type) is null))
            {
                return null;
            }

            var kinds = elements.Select(e => Scalar(e.Type)!).ToArray();
            var args = string.Join(", ", elements.Select((e, i) => $"({e.Type.ToDisplayString(TypeFormat)})a[{i}]!"));
            var items = string.Join(", ", elements.Select((_, i) => $"t.Item{i + 1}"));
            return (kinds, $"static a => ({args})", $"static v => {{ var t = ({typeName})v; return new object?[] {{ {items} }}; }}");
        }

        var constructors = named.InstanceConstructors
            .Where(c => c.DeclaredAccessibility == Microsoft.CodeAnalysis.Accessibility.Public && !(c.IsImplicitlyDeclared && c.Parameters.Length == 0))
            .ToList();
        if (constructors.Count != 1 || constructors[0].Parameters.Length == 0 || constructors[0].Parameters.Any(p => Scalar(p.Type) is null))
        {
            return null;
        }

        var parameters = constructors[0].Parameters;
        var construct = $"static a => new {typeName}({string.Join(", ", parameters.Select((p, i) => $"({p.Type.ToDisplayString(TypeFormat)})a[{i}]!"))})";
        var members = new List<string>();
        foreach (var parameter in parameters)
        {
            var member = named.GetMembers()
                .FirstOrDefault(m => !m.IsStatic && m.DeclaredAccessibility == Microsoft.CodeAnalysis.Accessibility.Public
                    && m is IPropertySymbol { GetMethod: not null } or IFieldSymbol
                    && string.Equals(m.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
            if (member is null)
            {
                return (parameters.Select(p => Scalar(p.Type)!).ToArray(), construct, null);
            }

            members.Add("t." + Escape(member.Name));
        }

        return (parameters.Select(p => Scalar(p.Type)!).ToArray(), construct, $"static v => {{ var t = ({typeName})v; return new object?[] {{ {string.Join(", ", members)} }}; }}");
    }

    private string? Rule(IPropertySymbol property, AttributeData attribute, string kind, Shape shape, Location? location)
    {
        var where = AttributeLocation(attribute) ?? location;
        string? Fail(string problem)
        {
            Report(Diagnostics.UnsupportedRule, where, _className, property.Name, kind, problem);
            return null;
        }

        var named = attribute.NamedArguments.ToDictionary(a => a.Key, a => a.Value);
        if (named.ContainsKey("ErrorMessageResourceType") || named.ContainsKey("ErrorMessageResourceName"))
        {
            return Fail("takes its message from resources, which needs reflection: write the message in ErrorMessage");
        }

        var message = named.TryGetValue("ErrorMessage", out var m) && m.Value is string text ? Literal(text) : "null";
        var args = attribute.ConstructorArguments;
        var isText = shape.Class == ScalarClass.Text;
        var isCountable = isText || shape.Class == ScalarClass.List;
        switch (kind)
        {
            case "Required":
                var allowEmpty = named.TryGetValue("AllowEmptyStrings", out var a) && a.Value is true;
                return $"{Names.Rule}.Required({Bool(allowEmpty)}, {message})";
            case "Range":
                if (shape.Class != ScalarClass.Number)
                {
                    return Fail("checks numbers: use it on an int, long or double option");
                }

                if (args.Length != 2 || args[0].Value is not (int or double) || args[1].Value is not (int or double))
                {
                    return Fail("with a type and strings is not supported: use [Range(int, int)] or [Range(double, double)]");
                }

                var minimumExclusive = named.TryGetValue("MinimumIsExclusive", out var lo) && lo.Value is true;
                var maximumExclusive = named.TryGetValue("MaximumIsExclusive", out var hi) && hi.Value is true;
                return $"{Names.Rule}.Range({Number(args[0].Value!)}, {Number(args[1].Value!)}, {Bool(minimumExclusive)}, {Bool(maximumExclusive)}, {message})";
            case "MinLength" or "MaxLength":
                if (!isCountable)
                {
                    return Fail("checks the length of a string or how often a repeated option is given: use it on a string, list or array option");
                }

                var length = args.Length == 1 ? (int)args[0].Value! : -1;
                return $"{Names.Rule}.{kind}({length.ToString(CultureInfo.InvariantCulture)}, {message})";
            case "StringLength":
                if (!isText)
                {
                    return Fail("checks strings: use it on a string option");
                }

                var minimum = named.TryGetValue("MinimumLength", out var min) && min.Value is int n ? n : 0;
                return $"{Names.Rule}.StringLength({((int)args[0].Value!).ToString(CultureInfo.InvariantCulture)}, {minimum.ToString(CultureInfo.InvariantCulture)}, {message})";
            case "RegularExpression":
                if (!isText)
                {
                    return Fail("checks strings: use it on a string option");
                }

                var pattern = (string)args[0].Value!;
                try
                {
                    _ = new Regex(pattern);
                }
                catch (ArgumentException ex)
                {
                    return Fail($"has an invalid pattern: {ex.Message}");
                }

                var timeout = named.TryGetValue("MatchTimeoutInMilliseconds", out var t) && t.Value is int ms ? ms : 2000;
                return $"{Names.Rule}.RegularExpression({Literal(pattern)}, {timeout.ToString(CultureInfo.InvariantCulture)}, {message})";
            default:
                if (shape.Class is ScalarClass.List or ScalarClass.None)
                {
                    return Fail("compares one value: use it on a string, number, bool or TimeSpan option");
                }

                var values = args.Length == 1 && args[0].Kind == TypedConstantKind.Array ? args[0].Values : args;
                var items = new List<string>();
                foreach (var value in values)
                {
                    if (Constant(value) is not { } constant)
                    {
                        return Fail("takes constants of the option's type (strings, numbers, bools or null)");
                    }

                    items.Add(constant);
                }

                return $"{Names.Rule}.{kind}(new object?[] {{ {string.Join(", ", items)} }}, {message})";
        }
    }

    private static string? Constant(TypedConstant value) => value.Value switch
    {
        null when value.Kind != TypedConstantKind.Array => "null",
        string s => Literal(s),
        bool b => Bool(b),
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        double d => Number(d),
        _ => null,
    };

    private static string Number(object value) => value switch
    {
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
        double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
        double d when double.IsNaN(d) => "double.NaN",
        double d => d.ToString("R", CultureInfo.InvariantCulture) is var r && (r.Contains(".") || r.Contains("E")) ? r + "d" : r + ".0",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Literal(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    private static string ShortName(AttributeData attribute)
    {
        var name = attribute.AttributeClass?.Name ?? "?";
        return name.EndsWith("Attribute", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }

    private static Location? AttributeLocation(AttributeData attribute) => attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation();

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !IsAsciiLetter(name[0]))
        {
            return false;
        }

        return name.All(c => IsAsciiLetter(c) || c is >= '0' and <= '9' || c == '_');
    }

    private static bool IsAsciiLetter(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';

    private static string Escape(string identifier) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(identifier) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + identifier : identifier;

    internal static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsLetterOrDigit(c) ? c : '_');
        }

        return builder.ToString();
    }

    private void Report(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
        _diagnostics.Add(new DiagnosticInfo(descriptor.Id, LocationInfo.From(location), arguments.ToEquatableArray()));
}
