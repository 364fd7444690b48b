// Wraps a documentation sample of test methods: the body of a test class, with the usings a test file of the test
// kit has.
using FluentAssertions;
using Kapacitor.Udf;
using Kapacitor.Udf.Testing;
using Xunit;

public class __FRAGMENT__
{
    /*BLOCK*/
}
