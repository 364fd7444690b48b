using System.ComponentModel;

namespace Kapacitor.Udf.Generated;

/// <summary>The C# type one option argument binds to (for generated code).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum UdfOptionValueKind
{
    /// <summary><see cref="string"/>: STRING.</summary>
    String,

    /// <summary><see cref="long"/>: INT.</summary>
    Int64,

    /// <summary><see cref="int"/>: INT, range-checked.</summary>
    Int32,

    /// <summary><see cref="double"/>: DOUBLE.</summary>
    Double,

    /// <summary><see cref="bool"/>: BOOL.</summary>
    Bool,

    /// <summary><see cref="TimeSpan"/>: DURATION, a whole number of 100 ns ticks.</summary>
    TimeSpan,
}
