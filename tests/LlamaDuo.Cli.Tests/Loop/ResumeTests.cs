using System.Text.Json;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>
/// kill -9 at several points of `llamaduo run`, then `--resume`: the run finishes with the same rounds, rows and
/// judgements as an uninterrupted run, no row twice, and (through the response cache) no service call repeated
/// beyond the ones in flight at the moment of the kill.
/// </summary>
public class ResumeTests
{
    /// <summary>A quickstart-sized loop cut down for speed: 2 rounds that never pass, small synthesis.</summary>
    static string Config(string dir, string baseUrl)
    {
        var yaml = File.ReadAllText(RepoPaths.Quickstart("config.yaml"))
            .Replace("path: coverage.jsonl", $"path: {RepoPaths.Quickstart("coverage.jsonl")}")
            .Replace("epochs: 3", "epochs: 1")
            .Replace("rows_per_round: 400", "rows_per_round: 48")
            .Replace("rounds: 3", "rounds: 2")
            .Replace("min_similarity: 90, min_precision: 90", "min_similarity: 100, min_precision: 100")
            .Replace("max_rounds: 3", "max_rounds: 2")
            .Replace("seed_count: 3", "seed_count: 3\n  weighted_by_failures: false")
            .Replace("formats: [gguf, ollama, peft]", "formats: []")
            .Replace("model: llamaduo-demo-service", $"model: llamaduo-demo-service\n  base_url: {baseUrl}");
        var path = Path.Combine(dir, "config.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Theory]
    [InlineData("[round 00 train ] step")]
    [InlineData("[round 00 judge ]")]
    [InlineData("[round 01 synth ]")]
    [InlineData("[round 01 train ] step")]
    public async Task Killed_run_resumes_to_the_same_result(string killAt)
    {
        using var temp = new RepoPaths.Temp();
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0, LatencyMs = 5 },
            [new DemoJudgeResponder(), new DemoSynthesisResponder()]);
        var config = Config(temp.Path, demo.BaseUrl);
        var timeout = TimeSpan.FromMinutes(4);

        var (code, output) = await CliProcess.RunAsync(temp.Path, timeout, "run", config, "--run-dir", "full");
        Assert.True(code == 3, output); // ran both rounds, did not pass (the rule is unreachable on purpose)
        int uninterruptedCalls = demo.Stats.ChatRequests;

        await CliProcess.KillWhenAsync(temp.Path, killAt, timeout, "run", config, "--run-dir", "killed");
        (code, output) = await CliProcess.RunAsync(temp.Path, timeout, "run", "--run-dir", "killed", "--resume");
        Assert.True(code == 3, output);
        int resumedCalls = demo.Stats.ChatRequests - uninterruptedCalls;

        var full = Snapshot(Path.Combine(temp.Path, "full"));
        var killed = Snapshot(Path.Combine(temp.Path, "killed"));
        Assert.Equal(full.Rounds, killed.Rounds);
        Assert.Equal(full.RowIds, killed.RowIds);
        Assert.Equal(full.RowIds.Count, full.RowIds.Distinct().Count());
        Assert.Equal(full.Judgements, killed.Judgements);
        // Every completed call is in the cache; only calls in flight at the kill (at most the concurrency) repeat.
        Assert.InRange(resumedCalls, uninterruptedCalls, uninterruptedCalls + 16);
    }

    sealed record RunSnapshot(string Rounds, List<string> RowIds, int Judgements);

    static RunSnapshot Snapshot(string runDir)
    {
        using var store = RunStore.Open(runDir);
        var rounds = JsonSerializer.Serialize(store.Rounds().Select(r => new { r.Round, r.TrainRows, r.TestRows, r.SyntheticAdded, r.SyntheticDropped, r.Verdict }));
        var rows = store.RowsIn("train").Concat(store.RowsIn("test")).Select(r => r.Id).Order().ToList();
        return new RunSnapshot(rounds, rows, store.Judgements().Count);
    }
}
