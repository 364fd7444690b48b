// Wraps a documentation sample of statements: the body of an async xunit test (run, not only compiled), with the
// usings a test file of the test kit has.
using FluentAssertions;
using Kapacitor.Udf;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Testing;
using Xunit;

public class __FRAGMENT__
{
    [Fact]
    public async Task Sample()
    {
        /*BLOCK*/
    }
}
