namespace Kapacitor.Udf.Tests.Agent;

public class QueueBudgetTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void ReserveAsync_RequestLargerThanTheWholeBudget_FitsAnEmptyBudget()
    {
        // A single request always fits, or a frame above the budget would wait forever.
        var budget = new QueueBudget(100);

        var reserve = budget.ReserveAsync(1000, CancellationToken.None);

        reserve.IsCompletedSuccessfully.Should().BeTrue();
        budget.IsWaiting.Should().BeFalse();
    }

    [Fact]
    public void ReserveAsync_UpToExactlyTheCapacity_CompletesAtOnce()
    {
        var budget = new QueueBudget(100);

        var first = budget.ReserveAsync(60, CancellationToken.None);
        var second = budget.ReserveAsync(40, CancellationToken.None);

        first.IsCompletedSuccessfully.Should().BeTrue();
        second.IsCompletedSuccessfully.Should().BeTrue("60 + 40 is the capacity, not above it");
        budget.IsWaiting.Should().BeFalse();
    }

    [Fact]
    public async Task ReserveAsync_OneByteAboveTheCapacity_WaitsUntilReleased()
    {
        // Arrange
        var budget = new QueueBudget(100);
        await budget.ReserveAsync(60, CancellationToken.None).AsTask().WaitAsync(Patience);

        // Act
        var waiting = budget.ReserveAsync(41, CancellationToken.None).AsTask();
        var waitedBeforeRelease = !waiting.IsCompleted && budget.IsWaiting;
        budget.Release(60);
        await waiting.WaitAsync(Patience);

        // Assert
        waitedBeforeRelease.Should().BeTrue();
        budget.IsWaiting.Should().BeFalse();
    }

    [Fact]
    public async Task ReserveAsync_ReleaseLeavesTooLittleRoom_KeepsWaitingUntilEnough()
    {
        // Arrange: 30 + 30 + 30 reserved; 50 more needs two of them back.
        var budget = new QueueBudget(100);
        for (var i = 0; i < 3; i++)
        {
            await budget.ReserveAsync(30, CancellationToken.None).AsTask().WaitAsync(Patience);
        }

        var waiting = budget.ReserveAsync(50, CancellationToken.None).AsTask();

        // Act
        budget.Release(30);
        await Task.Delay(50);
        var afterOne = waiting.IsCompleted;
        budget.Release(30);
        await waiting.WaitAsync(Patience);

        // Assert
        afterOne.Should().BeFalse("30 + 30 + 50 is still above 100");
        budget.IsWaiting.Should().BeFalse();
    }

    [Fact]
    public async Task ReserveAsync_SecondWaitAfterARelease_WaitsAgain()
    {
        // A release wakes the waiter once; a later wait needs a later release, not the old signal.
        var budget = new QueueBudget(100);
        await budget.ReserveAsync(100, CancellationToken.None).AsTask().WaitAsync(Patience);
        var first = budget.ReserveAsync(100, CancellationToken.None).AsTask();
        budget.Release(100);
        await first.WaitAsync(Patience);

        var second = budget.ReserveAsync(1, CancellationToken.None).AsTask();
        await Task.Delay(50);
        var secondWaited = !second.IsCompleted;
        budget.Release(100);
        await second.WaitAsync(Patience);

        secondWaited.Should().BeTrue();
    }

    [Fact]
    public async Task ReserveAsync_CancelledWhileWaiting_Throws()
    {
        var budget = new QueueBudget(10);
        await budget.ReserveAsync(10, CancellationToken.None).AsTask().WaitAsync(Patience);
        using var cancel = new CancellationTokenSource();

        var waiting = budget.ReserveAsync(10, cancel.Token).AsTask();
        await cancel.CancelAsync();

        await waiting.Invoking(w => w.WaitAsync(Patience)).Should().ThrowAsync<OperationCanceledException>();
    }
}
