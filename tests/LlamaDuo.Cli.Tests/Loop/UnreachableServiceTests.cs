using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>
/// A service that fails every call (HTTP 500) passes the preflight with a warning (it may be busy for a while) and
/// then fails the judge stage with a clear error; the run folder resumes once the service is back.
/// </summary>
public class UnreachableServiceTests
{
    [Fact]
    public async Task A_failing_service_fails_the_judge_stage_clearly_and_the_run_resumes_once_it_is_back()
    {
        using var temp = new RepoPaths.Temp();
        await using var failing = await DemoService.StartAsync(new DemoServiceOptions { Port = 0, Faults = FaultSpec.Parse("500:1") }, []);
        var config = QuickstartConfig.Fast(failing.BaseUrl);
        config = config with
        {
            Service = config.Service with { Retries = 1, TimeoutSeconds = 5 },
            Export = config.Export with { Formats = [] },
        };
        var run = Path.Combine(temp.Path, "run");
        var log = new StringWriter();

        var e = await Assert.ThrowsAsync<ServiceUnreachableException>(() => MigrationLoop.RunAsync(config, run, log));
        Assert.Contains(failing.BaseUrl, e.Message);
        Assert.Contains("--resume", e.Message);
        Assert.Contains("[preflight]", log.ToString());
        using (var store = RunStore.Open(run))
        {
            Assert.Equal(StageStatus.Failed, store.GetStage(0, "judge")!.Status);
            Assert.True(store.IsStageDone(0, "infer"));
            Assert.Equal(RunStatus.Failed, store.Run.Status);
        }
        Assert.False(File.Exists(Path.Combine(run, "round-00", "judgements.jsonl")));

        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()]);
        var judged = await MigrationLoop.RunAsync(config with { Service = config.Service with { BaseUrl = demo.BaseUrl } }, run, log, onlyStage: LoopStage.Judge);
        Assert.Single(judged.Rounds);
        Assert.True(File.Exists(Path.Combine(run, "round-00", "judgements.jsonl")));
    }
}
