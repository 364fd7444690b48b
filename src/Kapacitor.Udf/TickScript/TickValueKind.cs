namespace Kapacitor.Udf.TickScript;

/// <summary>What kind of TICKscript literal an argument is.</summary>
internal enum TickValueKind
{
    /// <summary><c>TRUE</c> or <c>FALSE</c>.</summary>
    Bool,

    /// <summary>An integer literal such as <c>10</c> (a leading 0 means octal, as in TICKscript).</summary>
    Int,

    /// <summary>A float literal such as <c>1.5</c> or <c>10.0</c>.</summary>
    Double,

    /// <summary>A single-quoted string such as <c>'value'</c>.</summary>
    String,

    /// <summary>A duration literal such as <c>10s</c>.</summary>
    Duration,

    /// <summary>A list <c>[a, b]</c>.</summary>
    List,

    /// <summary>A double-quoted reference such as <c>"value"</c> (a field reference, not a string).</summary>
    Reference,

    /// <summary>A lambda expression <c>lambda: ...</c>.</summary>
    Lambda,

    /// <summary>A regex literal <c>/.../</c>.</summary>
    Regex,

    /// <summary>A bare <c>*</c>.</summary>
    Star,
}
