using System.ComponentModel;

namespace Kapacitor.Udf.Generated;

/// <summary>Collections of a repeated option's values (for generated code).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class UdfOptionValues
{
    /// <summary>The values as a list, in call order.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">One boxed value per call.</param>
    /// <returns>A new list.</returns>
    public static List<T> ToList<T>(List<object?> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = new List<T>(items.Count);
        foreach (var item in items)
        {
            list.Add((T)item!);
        }

        return list;
    }

    /// <summary>The values as an array, in call order.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">One boxed value per call.</param>
    /// <returns>A new array.</returns>
    public static T[] ToArray<T>(List<object?> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var array = new T[items.Count];
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = (T)items[i]!;
        }

        return array;
    }
}
