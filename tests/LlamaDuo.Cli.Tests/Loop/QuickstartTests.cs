using LlamaDuo.Pipeline.Quickstart;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>
/// The offline main job end to end: real stories15M, real LoRA training, real HTTP to the demo service (a rule-based
/// stand-in for the service LLM). Round 0 must fall short and a later round pass once synthetic data is added.
/// </summary>
public class QuickstartTests
{
    [Fact]
    public async Task Quickstart_improves_round_by_round_and_passes()
    {
        using var temp = new RepoPaths.Temp();
        var runDir = Path.Combine(temp.Path, "qs");
        var log = new StringWriter();
        using var spans = new Telemetry.LoopSpans();
        var outcome = await QuickstartRun.RunAsync(runDir, log);

        Assert.True(outcome.Passed, log.ToString());
        Assert.True(outcome.Rounds.Count >= 2, $"expected at least two rounds\n{log}");
        Assert.False(outcome.Rounds[0].Passed);
        Assert.True(outcome.Rounds[^1].Similarity!.Mean > outcome.Rounds[0].Similarity!.Mean + 10, log.ToString());
        Assert.True(outcome.Rounds[1].SyntheticAdded > 0);
        Assert.Matches(@"^result: pass=true rounds=\d+ best_similarity=\d+\.\d best_precision=\d+\.\d run=.+$", outcome.SummaryLine);
        foreach (var file in new[] { "config.yaml", "data/train.jsonl", "data/test.jsonl", "round-00/generations.jsonl",
                     "round-00/judgements.jsonl", "round-01/synthetic.jsonl", "round-01/dedup.jsonl", "round-01/accepted.jsonl",
                     "export/model.gguf", "export/Modelfile", "export/adapter/adapter_config.json", "export/parity.txt", "report.html", "run.db" })
            Assert.True(File.Exists(Path.Combine(runDir, file)), $"missing {file}\n{log}");
        // The trace: a run span, a span per stage of every round, a GenAI span per service call (docs/telemetry.md).
        var rounds = outcome.Rounds.Count;
        spans.AssertTree("qs", [.. Enumerable.Range(0, rounds).SelectMany(r => (r == 0 ? new[] { "train", "infer", "judge" } : ["synth", "train", "infer", "judge"]).Select(s => (r, s))), (rounds - 1, "export")]);
        // The report has the cost case (with its break-even line) and every example.
        var report = File.ReadAllText(Path.Combine(runDir, "report.html"));
        Assert.Contains("<section id=\"cost\">", report);
        Assert.Contains("break-even: ", report);
        Assert.Contains("<section id=\"examples\">", report);
        Assert.True(File.Exists(Path.Combine(runDir, "export", "throughput.json")), "the export stage records the student's throughput");

        // The run is listed and its rounds shown by the CLI.
        var (code, runs) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "runs", "--root", temp.Path);
        Assert.True(code == 0, runs);
        Assert.Contains("qs", runs);
        Assert.Contains("passed", runs);
        var (code2, status) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "status", runDir);
        Assert.True(code2 == 0, status);
        Assert.Contains("below threshold", status);
        Assert.Contains("pass", status);
    }
}
