using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.CompilerServices;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>The C# types an option argument can bind to.</summary>
internal enum ScalarKind
{
    String,
    Int64,
    Int32,
    Double,
    Bool,
    TimeSpan,
}

/// <summary>One option of an options class: its wire name, argument types and how to build and set its value.</summary>
internal sealed class OptionProperty
{
    private ValidationAttribute[]? _validators;

    public OptionProperty(string name, PropertyInfo property, bool required, bool isFlag, bool isList, Type elementType, ScalarKind[] slots, ConstructorInfo? constructor, MemberInfo[]? components)
    {
        Name = name;
        Property = property;
        Required = required;
        IsFlag = isFlag;
        IsList = isList;
        ElementType = elementType;
        Slots = slots;
        Constructor = constructor;
        Components = components;
    }

    /// <summary>The option name as written in TICKscript.</summary>
    public string Name { get; }

    public PropertyInfo Property { get; }

    /// <summary>Declared with the C# <c>required</c> modifier: absent is an error.</summary>
    public bool Required { get; }

    public bool IsFlag { get; }

    /// <summary>Every call adds an element (in call order) instead of the last call winning.</summary>
    public bool IsList { get; }

    /// <summary>The type of one call's value: a scalar, a tuple/record built by <see cref="Constructor"/>, or bool for a flag.</summary>
    public Type ElementType { get; }

    /// <summary>The argument types of one call, in order; empty for a flag.</summary>
    public ScalarKind[] Slots { get; }

    /// <summary>Builds a multi-argument value from its arguments; <see langword="null"/> for a single scalar.</summary>
    public ConstructorInfo? Constructor { get; }

    /// <summary>Reads a multi-argument value back into its arguments (for writing options); <see langword="null"/> when
    /// the constructor's parameters have no matching properties or fields.</summary>
    public MemberInfo[]? Components { get; }

    public OptionInfo ToOptionInfo()
    {
        var info = new OptionInfo();
        foreach (var slot in Slots)
        {
            info.ValueTypes.Add(OptionSchema.WireType(slot));
        }

        return info;
    }

    // Read at the first Init, not at Info: the Info probe runs at every kapacitord start and needs only names and types.
    public ValidationAttribute[] Validators => _validators ??= [.. Property.GetCustomAttributes<ValidationAttribute>(inherit: true)];
}

/// <summary>
/// What an options class declares, found by reflection once per type and cached: the Info option table comes from
/// it, and every Init binds through it. Nothing here runs per point.
/// </summary>
internal sealed class OptionSchema
{
    // A plain dictionary under a lock, not ConcurrentDictionary or LINQ: this runs on the Info probe, at every
    // kapacitord start, where each extra assembly or generic instantiation to load and JIT shows.
    private static readonly Dictionary<Type, OptionSchema> Cache = [];

    private OptionSchema(Type type, OptionProperty[] properties, Dictionary<string, int> byName)
    {
        Type = type;
        Properties = properties;
        ByName = byName;
    }

    public Type Type { get; }

    /// <summary>The options, in declaration order (the order of error messages).</summary>
    public OptionProperty[] Properties { get; }

    public Dictionary<string, int> ByName { get; }

    /// <summary>The schema of <paramref name="type"/>.</summary>
    /// <exception cref="InvalidOperationException">The class cannot be an options class; the message names the property and the fix.</exception>
    public static OptionSchema For(Type type)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(type, out var schema))
            {
                schema = Build(type);
                Cache.Add(type, schema);
            }

            return schema;
        }
    }

    public static Protocol.ValueType WireType(ScalarKind kind) => kind switch
    {
        ScalarKind.String => Protocol.ValueType.String,
        ScalarKind.Int64 or ScalarKind.Int32 => Protocol.ValueType.Int,
        ScalarKind.Double => Protocol.ValueType.Double,
        ScalarKind.Bool => Protocol.ValueType.Bool,
        _ => Protocol.ValueType.Duration,
    };

    public object CreateInstance() => Activator.CreateInstance(Type)!;

    private static OptionSchema Build(Type type)
    {
        if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw Invalid(type, null, "an options class needs a public parameterless constructor");
        }

        var candidates = new List<PropertyInfo>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.CanRead && property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            {
                candidates.Add(property);
            }
        }

        // Declaration order (base class first), so problems are reported in the order the author wrote the options.
        candidates.Sort(static (a, b) => Depth(a.DeclaringType!) != Depth(b.DeclaringType!)
            ? Depth(a.DeclaringType!).CompareTo(Depth(b.DeclaringType!))
            : a.MetadataToken.CompareTo(b.MetadataToken));

        var properties = new OptionProperty[candidates.Count];
        var byName = new Dictionary<string, int>(properties.Length, StringComparer.Ordinal);
        for (var i = 0; i < properties.Length; i++)
        {
            properties[i] = Describe(type, candidates[i]);
            if (!byName.TryAdd(properties[i].Name, i))
            {
                var first = properties[byName[properties[i].Name]].Property.Name;
                throw Invalid(type, null, $"more than one property binds to the option '{properties[i].Name}' ({first}, {candidates[i].Name})");
            }
        }

        return new OptionSchema(type, properties, byName);
    }

    private static OptionProperty Describe(Type owner, PropertyInfo property)
    {
        var option = (UdfOptionAttribute?)Attribute.GetCustomAttribute(property, typeof(UdfOptionAttribute), inherit: true);
        var flag = (UdfFlagAttribute?)Attribute.GetCustomAttribute(property, typeof(UdfFlagAttribute), inherit: true);
        if (option is not null && flag?.Name is not null && flag.Name != option.Name)
        {
            throw Invalid(owner, property, $"[UdfOption(\"{option.Name}\")] and [UdfFlag(\"{flag.Name}\")] name it differently");
        }

        var name = flag?.Name ?? option?.Name ?? CamelCase(property.Name);
        if (!IsIdentifier(name))
        {
            throw Invalid(owner, property, $"'{name}' is not a TICKscript option name (a letter, then letters, digits or '_')");
        }

        var required = property.IsDefined(typeof(RequiredMemberAttribute), inherit: false);
        var type = property.PropertyType;
        if (flag is not null)
        {
            if (type != typeof(bool) && type != typeof(bool?))
            {
                throw Invalid(owner, property, "[UdfFlag] needs a bool property");
            }

            return new OptionProperty(name, property, required, isFlag: true, isList: false, typeof(bool), [], null, null);
        }

        if (TryScalar(Nullable.GetUnderlyingType(type) ?? type, out var scalar))
        {
            return new OptionProperty(name, property, required, isFlag: false, isList: false, type, [scalar], null, null);
        }

        var isList = TryListElement(type, out var element);
        var valueType = isList ? element! : type;
        if (isList && TryScalar(valueType, out scalar))
        {
            return new OptionProperty(name, property, required, isFlag: false, isList: true, valueType, [scalar], null, null);
        }

        if (TryTuple(valueType, out var constructor, out var slots, out var components))
        {
            return new OptionProperty(name, property, required, isFlag: false, isList, valueType, slots, constructor, components);
        }

        throw Invalid(owner, property,
            $"type {type.Name} is not supported: use string, long, int, double, bool or TimeSpan (nullable allowed), " +
            "a tuple or record of those for an option with several arguments, or a list or array of either for a repeated option");
    }

    private static bool TryScalar(Type type, out ScalarKind kind)
    {
        kind = default;
        if (type == typeof(string))
        {
            kind = ScalarKind.String;
        }
        else if (type == typeof(long))
        {
            kind = ScalarKind.Int64;
        }
        else if (type == typeof(int))
        {
            kind = ScalarKind.Int32;
        }
        else if (type == typeof(double))
        {
            kind = ScalarKind.Double;
        }
        else if (type == typeof(bool))
        {
            kind = ScalarKind.Bool;
        }
        else if (type == typeof(TimeSpan))
        {
            kind = ScalarKind.TimeSpan;
        }
        else
        {
            return false;
        }

        return true;
    }

    private static bool TryListElement(Type type, out Type? element)
    {
        element = null;
        if (type.IsArray && type.GetArrayRank() == 1)
        {
            element = type.GetElementType();
            return true;
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>))
            {
                element = type.GetGenericArguments()[0];
                return true;
            }
        }

        return false;
    }

    // A multi-argument option: a value tuple or a class/record/struct whose only public constructor takes scalars,
    // one per argument, in order. Kapacitor checks the argument count exactly, so no optional parameters.
    private static bool TryTuple(Type type, out ConstructorInfo? constructor, out ScalarKind[] slots, out MemberInfo[]? components)
    {
        constructor = null;
        slots = [];
        components = null;
        if (type.IsAbstract || type.IsInterface || type == typeof(object))
        {
            return false;
        }

        var constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        if (constructors.Length != 1)
        {
            return false;
        }

        var parameters = constructors[0].GetParameters();
        if (parameters.Length == 0)
        {
            return false;
        }

        var kinds = new ScalarKind[parameters.Length];
        var members = new MemberInfo[parameters.Length];
        var readable = true;
        for (var i = 0; i < parameters.Length; i++)
        {
            if (!TryScalar(parameters[i].ParameterType, out kinds[i]))
            {
                return false;
            }

            var member = (MemberInfo?)type.GetProperty(parameters[i].Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
                ?? type.GetField(parameters[i].Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (member is null)
            {
                readable = false;
            }
            else
            {
                members[i] = member;
            }
        }

        constructor = constructors[0];
        slots = kinds;
        components = readable ? members : null;
        return true;
    }

    private static int Depth(Type type)
    {
        var depth = 0;
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return depth;
    }

    // The same rule as System.Text.Json's camelCase: the leading run of capitals is lowered, except the capital that
    // starts the next word ("URLPath" -> "urlPath", "ID" -> "id"). Not System.Text.Json itself, to keep it off the Info path.
    internal static string CamelCase(string name)
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

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static InvalidOperationException Invalid(Type owner, PropertyInfo? property, string problem) =>
        new(property is null
            ? $"{owner.Name} cannot be a UDF options class: {problem}"
            : $"{owner.Name}.{property.Name} cannot be a UDF option: {problem}");
}
