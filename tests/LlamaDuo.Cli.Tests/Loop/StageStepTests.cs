using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>The single-step commands: each runs one stage of the next round, in order, and refuses to skip ahead.</summary>
public class StageStepTests
{
    [Fact]
    public async Task Stages_run_one_at_a_time_in_order()
    {
        using var temp = new RepoPaths.Temp();
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()]);
        var config = QuickstartConfig.Fast(demo.BaseUrl);
        var run = Path.Combine(temp.Path, "run");
        var log = new StringWriter();

        var init = await MigrationLoop.RunAsync(config, run, log, onlyStage: LoopStage.Ingest);
        Assert.Equal(LoopStage.Ingest, init.SingleStep);
        Assert.StartsWith("single step: ingest", init.StopReason);
        Assert.True(File.Exists(Path.Combine(run, "data", "train.jsonl")));

        var early = await Assert.ThrowsAsync<InputException>(() => MigrationLoop.RunAsync(config, run, log, onlyStage: LoopStage.Judge));
        Assert.Contains("llamaduo train --run", early.Message);

        await MigrationLoop.RunAsync(config, run, log, onlyStage: LoopStage.Train);
        Assert.True(File.Exists(Path.Combine(run, "round-00", "train", "adapter", "adapter_config.json")));
        Assert.False(File.Exists(Path.Combine(run, "round-00", "generations.jsonl")));
        await MigrationLoop.RunAsync(config, run, log, onlyStage: LoopStage.Infer);
        Assert.True(File.Exists(Path.Combine(run, "round-00", "generations.jsonl")));
        var judged = await MigrationLoop.RunAsync(config, run, log, onlyStage: LoopStage.Judge);
        Assert.Single(judged.Rounds);
        Assert.False(Directory.Exists(Path.Combine(run, "round-01")));

        using var store = RunStore.Open(run);
        Assert.All(new[] { "ingest", "train", "infer", "judge" }, s => Assert.True(store.IsStageDone(0, s), s));
    }
}
