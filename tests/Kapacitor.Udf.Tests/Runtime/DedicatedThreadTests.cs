
namespace Kapacitor.Udf.Tests.Runtime;

public class DedicatedThreadTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Start_LoopWithAwaits_EveryContinuationOnItsOwnThread()
    {
        // Arrange
        var threads = new List<string?>();

        // Act
        var result = await DedicatedThread.Start("udf-test", async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                threads.Add(Thread.CurrentThread.Name);
                await Task.Delay(1);
            }

            return 42;
        }).WaitAsync(HangGuard);

        // Assert
        result.Should().Be(42);
        threads.Should().Equal("udf-test", "udf-test", "udf-test");
    }

    [Fact]
    public async Task Start_LoopCompletesSynchronously_TaskCompletesWithoutThePool()
    {
        // A continuation registered on an already completed task goes to the thread pool: the thread must not wait
        // for one to end its loop.
        var done = await DedicatedThread.Start("udf-test", () => Task.CompletedTask).WaitAsync(HangGuard).ContinueWith(t => t.IsCompletedSuccessfully);

        done.Should().BeTrue();
    }

    [Fact]
    public async Task Start_LoopThrows_TaskFaults()
    {
        var run = () => DedicatedThread.Start("udf-test", () => throw new InvalidOperationException("boom")).WaitAsync(HangGuard);

        await run.Should().ThrowAsync<InvalidOperationException>().WithMessage("boom");
    }
}
