using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Hosting;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Reliability;

/// <summary>Limits an operator sets (<c>KAPACITOR_UDF_*</c> variables, read by <c>UdfHost</c>) hold in the real
/// executable: the maximum frame size in process mode (requirement 5) and the connection cap in socket mode
/// (requirement 33), each with its named error and no effect on what stays within the limit.</summary>
[Collection(ProcessCollection.Name)]
public sealed class LimitsProcessTests
{
    [Fact]
    public async Task ProcessMode_FrameAboveConfiguredMaximum_ErrorNamesBothSizesAndExitsOne()
    {
        // Arrange: Init fits in 1 KiB; a point carrying a 2,000-character tag does not.
        var environment = new Dictionary<string, string> { ["KAPACITOR_UDF_MAX_FRAME_SIZE"] = "1KiB" };
        await using var udf = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: true, environment, "--udf", "faulty");
        await using var client = UdfSocketClient.ForProcess(udf.Process);
        var big = Requests.Point(1);
        big.Point.Tags["host"] = new string('h', 2000);

        // Act
        await client.SendAsync(Requests.Init());
        var init = await client.ReadAsync();
        await client.SendAsync([Requests.Point(2), big]);
        var responses = await client.ReadToEndAsync();
        client.HalfClose(); // Kapacitor's answer to an ErrorResponse

        // Assert
        init.Init.Success.Should().BeTrue();
        responses.Select(r => r.MessageCase).Should().Equal(Response.MessageOneofCase.Point, Response.MessageOneofCase.Error);
        responses[1].Error.Error.Should().Contain($"frame length {big.CalculateSize()} bytes exceeds the maximum frame size of 1024 bytes");
        (await udf.WaitForExitAsync()).Should().Be(1);
    }

    [Fact]
    public async Task SocketMode_ConnectionOverConfiguredCap_RefusedWithErrorWhileTheOtherIsServed()
    {
        // Arrange
        using var directory = new SocketDirectory();
        var path = directory.PathOf("faulty.sock");
        var environment = new Dictionary<string, string> { ["KAPACITOR_UDF_MAX_CONNECTIONS"] = "1" };
        await using var server = UdfProcess.Start(UdfProcess.FaultyUdfDll, rawStdio: false, environment, "--socket", $"faulty={path}");
        await Eventually.TrueAsync(() => File.Exists(path) || server.Process.HasExited, "the socket listening", UdfProcess.Timeout);
        await using var first = await UdfSocketClient.ConnectAsync(path);
        await first.SendAsync(Requests.Init());
        (await first.ReadAsync()).Init.Success.Should().BeTrue("the first connection is within the cap");

        // Act
        await using var second = await UdfSocketClient.ConnectAsync(path);
        var refused = await second.ReadToEndAsync();
        await first.SendAsync(Requests.Point(1));
        var served = await first.ReadAsync();

        // Assert
        refused.Should().ContainSingle().Which.Error.Error.Should().Contain("connection limit of 1 reached");
        served.Point.Time.Should().Be(1, "the connection within the cap is untouched");
        server.Process.HasExited.Should().BeFalse();
    }
}
