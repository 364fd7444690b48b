namespace Kapacitor.Udf;

/// <summary>
/// Marks an options class for the Kapacitor.Udf source generator, which emits its option table, binder and checks at
/// compile time (no reflection, so it works in a native AOT executable).
/// </summary>
/// <remarks>
/// <para>You rarely need it: a class used as the options type argument of the library
/// (<c>StreamUdf&lt;MyOptions&gt;</c>, <c>UdfFunction.Stream&lt;MyOptions&gt;</c>, <c>UdfOptions.Bind&lt;MyOptions&gt;</c>, the test
/// kit's <c>InitAsync(new MyOptions { ... })</c>, ...) in the project that declares it is found by that use. Mark a
/// class whose only such use is in another project (a library of options shared by several UDF executables).</para>
/// <para>On a type parameter it tells the generator that whatever class is passed there is an options class: the
/// library's own generic API carries it, and so may a generic helper of yours.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.GenericParameter, AllowMultiple = false, Inherited = false)]
public sealed class UdfOptionsClassAttribute : Attribute
{
}
