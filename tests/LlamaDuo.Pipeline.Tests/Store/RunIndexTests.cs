using LlamaDuo.Pipeline.Runs;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Judge;

namespace LlamaDuo.Pipeline.Tests.Store;

public class RunIndexTests
{
    [Fact]
    public void Scan_lists_runs_newest_first_with_best_scores_and_marks_broken_ones()
    {
        using var dir = new TempDir();
        using (var a = RunStore.Create(new RunFolder(Path.Combine(dir.Path, "a")), "summarize"))
        {
            a.RecordRound(new RoundMetrics(0, 10, 5, 0, 0, ScoreSummary.From([60, 70], 80), ScoreSummary.From([65, 75], 80), false, "below"));
            a.RecordRound(new RoundMetrics(1, 10, 5, 0, 0, ScoreSummary.From([90, 94], 80), ScoreSummary.From([91, 93], 80), true, "pass"));
            a.SetStatus(RunStatus.Passed);
        }
        Thread.Sleep(20);
        using (RunStore.Create(new RunFolder(Path.Combine(dir.Path, "b")), "classify")) { }
        Directory.CreateDirectory(Path.Combine(dir.Path, "not-a-run"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "broken"));
        File.WriteAllText(Path.Combine(dir.Path, "broken", "run.db"), "this is not sqlite");

        var runs = RunIndex.Scan(dir.Path);
        Assert.Equal(["b", "a", "broken"], runs.Select(r => r.Id));
        var a1 = runs[1];
        Assert.Equal((RunStatus.Passed, 2, 92.0, 92.0, true), (a1.Status, a1.Rounds, a1.BestSimilarity!.Value, a1.BestPrecision!.Value, a1.Passed));
        Assert.Null(runs[0].BestSimilarity);
        Assert.Equal("unreadable", runs[2].Status);
        Assert.Empty(RunIndex.Scan(Path.Combine(dir.Path, "missing")));
    }
}
