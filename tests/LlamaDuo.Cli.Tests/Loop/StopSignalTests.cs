using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>SIGTERM to `llamaduo run` mid-training: the process stops by itself at a safe point and run.db says "stopped".</summary>
public class StopSignalTests
{
    [Fact]
    public async Task Sigterm_during_training_stops_the_run_and_records_stopped()
    {
        using var temp = new RepoPaths.Temp();
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()]);
        var path = Path.Combine(temp.Path, "config.yaml");
        File.WriteAllText(path, QuickstartConfig.Fast(demo.BaseUrl).ToYaml());
        var run = Path.Combine(temp.Path, "run");

        var (code, output) = await CliProcess.TerminateWhenAsync(temp.Path, "[round 00 train ] step", TimeSpan.FromMinutes(3), "run", path, "--run-dir", run);

        Assert.True(code == 130, output);
        Assert.Contains("stopping at the next safe point", output);
        using var store = RunStore.Open(run);
        Assert.Equal(RunStatus.Stopped, store.Run.Status);
        Assert.Contains("--resume", store.Run.Message);
        Assert.False(store.IsStageDone(0, "judge")); // stopped where it was (training may just have finished), not run to the end
    }
}
