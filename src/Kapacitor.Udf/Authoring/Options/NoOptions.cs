namespace Kapacitor.Udf;

/// <summary>The options of a UDF that takes none: its InfoResponse declares no options and any option is an error.</summary>
[UdfOptionsClass]
public sealed class NoOptions
{
}
