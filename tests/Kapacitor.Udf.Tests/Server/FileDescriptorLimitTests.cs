
namespace Kapacitor.Udf.Tests.Server;

public class FileDescriptorLimitTests
{
    [Fact]
    public void RaiseSoftLimit_SoftBelowHard_RaisedToHard()
    {
        // The JIT runtime raises its own soft limit at start; a native executable does not, so the server must.
        // Arrange: one below the hard limit (harmless to the other tests running in this process).
        FileDescriptorLimit.getrlimit(7, out var before).Should().Be(0);
        var hard = before.Maximum;
        FileDescriptorLimit.setrlimit(7, before with { Current = hard - 1 }).Should().Be(0);

        // Act
        var raised = FileDescriptorLimit.RaiseSoftLimit();

        // Assert
        FileDescriptorLimit.getrlimit(7, out var after).Should().Be(0);
        raised.Should().Be(hard);
        after.Should().Be(new FileDescriptorLimit.RLimit(hard, hard));
    }

    [Fact]
    public void Reserve_MoreThanTheLimitHolds_RefusedNamingTheFix()
    {
        // Arrange
        var soft = FileDescriptorLimit.RaiseSoftLimit()!.Value;
        var tooMany = (int)Math.Min(int.MaxValue, soft);

        // Act
        var reserve = () => FileDescriptorLimit.Reserve(tooMany, "/run/x.sock");

        // Assert: the cap plus the headroom does not fit.
        reserve.Should().Throw<IOException>().WithMessage($"cannot listen on /run/x.sock: MaxConnections {tooMany}*needs*open files, but the open-file limit is {soft}: raise it (systemd LimitNOFILE=, ulimit -n) or lower MaxConnections");
    }
}
