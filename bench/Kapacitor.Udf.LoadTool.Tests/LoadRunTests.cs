using Kapacitor.Udf.LoadTool.Running;
using Kapacitor.Udf.LoadTool.Workloads;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Tests;

/// <summary>Whole runs against a real agent in-process: the tool passes a correct UDF and catches a wrong one.</summary>
public class LoadRunTests
{
    private static readonly LoadOptions Options = new()
    {
        KeepaliveInterval = TimeSpan.FromMilliseconds(1),
        StallTimeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public void A_correct_moving_average_is_verified_with_keepalives_answered()
    {
        var workload = new MovingAverageWorkload(points: 20_000, writeSize: 8192);
        var result = LoadRun.Execute(new InProcessTargetFactory(c => new MovingAverageTestHandler(c)), workload, Options);

        result.Error.Should().BeNull();
        result.Verified.Should().BeTrue();
        result.OutputFramesMatched.Should().Be(20_000);
        result.PointsPerSecond.Should().BePositive();
        result.Keepalive.Sent.Should().BePositive();
        result.Keepalive.Answered.Should().Be(result.Keepalive.Sent);
        result.ExitCode.Should().Be(0);
        result.EofToExitMs.Should().NotBeNull();
        result.AgentCpuSeconds.Should().BeNull("there is no process to measure in-process");
    }

    [Theory]
    [InlineData(MovingAverageTestHandler.Fault.TextbookMean, "output point #")]
    [InlineData(MovingAverageTestHandler.Fault.DropsOnePoint, "output point #1000 differs")]
    [InlineData(MovingAverageTestHandler.Fault.LosesTags, "output point #0 differs")]
    public void A_wrong_moving_average_fails_the_run(MovingAverageTestHandler.Fault fault, string error)
    {
        var workload = new MovingAverageWorkload(points: 5_000);
        var result = LoadRun.Execute(new InProcessTargetFactory(c => new MovingAverageTestHandler(c, fault)), workload, Options);

        result.Verified.Should().BeFalse();
        result.Error.Should().Contain(error);
    }

    [Fact]
    public void A_correct_outliers_batch_udf_is_verified_and_a_short_batch_is_not()
    {
        var workload = new OutliersWorkload(batches: 200, batchSize: 50);
        workload.OutlierPoints.Should().BePositive("every batch has spikes to find");

        var good = LoadRun.Execute(new InProcessTargetFactory(c => new OutliersTestHandler(c)), workload, Options);
        good.Error.Should().BeNull();
        good.OutputFramesMatched.Should().Be(workload.CreateVerifier().ExpectedFrames);

        var bad = LoadRun.Execute(new InProcessTargetFactory(c => new OutliersTestHandler(c, wrongSize: true)), workload, Options);
        bad.Verified.Should().BeFalse();
        bad.Error.Should().Contain("output frame #0 (batch 0) differs");
    }

    [Fact]
    public void A_udf_that_never_answers_init_is_reported_as_stalled()
    {
        var workload = new MovingAverageWorkload(points: 10);
        var result = LoadRun.Execute(
            new InProcessTargetFactory(c => new SilentInitHandler()),
            workload,
            Options with { StallTimeout = TimeSpan.FromMilliseconds(500) });

        result.Verified.Should().BeFalse();
        result.Error.Should().Contain("stalled").And.Contain("init answered: False");
    }

    [Fact]
    public void Info_probe_measures_spawn_to_info_and_checks_the_edges()
    {
        var factory = new InProcessTargetFactory(c => new MovingAverageTestHandler(c));
        var result = InfoProbe.Run(factory, 3, EdgeType.Stream, EdgeType.Stream, Options);
        result.Verified.Should().BeTrue(result.Error);
        result.SpawnToInfoMedianMs.Should().BePositive();
        result.EofToExitMedianMs.Should().NotBeNull();

        var wrong = InfoProbe.Run(factory, 1, EdgeType.Batch, EdgeType.Batch, Options);
        wrong.Verified.Should().BeFalse();
        wrong.Error.Should().Contain("expected Batch");
    }

    private sealed class SilentInitHandler : Kapacitor.Udf.IUdfHandler
    {
        public ValueTask<InfoResponse> InfoAsync() =>
            ValueTask.FromResult(new InfoResponse { Wants = EdgeType.Stream, Provides = EdgeType.Stream });

        public async ValueTask<InitResponse> InitAsync(InitRequest request)
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            return new InitResponse { Success = true };
        }

        public ValueTask PointAsync(Point point) => ValueTask.CompletedTask;
    }
}
