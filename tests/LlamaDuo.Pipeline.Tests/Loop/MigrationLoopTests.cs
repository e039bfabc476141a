using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Tests.Loop;

/// <summary>The loop's decisions with every model faked (<see cref="FakeLoop"/>): synthesize, stop, resume, single steps.</summary>
public class MigrationLoopTests
{
    [Fact]
    public async Task A_student_below_the_bar_gets_synthetic_rows_and_passes_in_the_next_round()
    {
        using var loop = new FakeLoop { RowsToLearn = 30 };   // 30 train rows: round 0 knows nothing, round 1 (+16 synthetic) passes

        var outcome = await loop.RunAsync();

        Assert.True(outcome.Passed, outcome.StopReason);
        Assert.Null(outcome.SingleStep);
        Assert.Equal(["below threshold: synthesize", "pass"], outcome.Rounds.Select(r => r.Verdict));
        Assert.Equal([30, 46], loop.TrainJobs.Select(j => j.Rows.Count));
        Assert.Equal(16, outcome.Rounds[1].SyntheticAdded);
        Assert.Equal(2, loop.SynthCalls);
        // Round 1 warm-starts from round 0's adapter.
        Assert.Null(loop.TrainJobs[0].InitAdapter);
        Assert.Equal(Path.Combine(loop.RunDir, "round-00", "train", "adapter"), loop.TrainJobs[1].InitAdapter);
        Assert.Equal((100, 100), (outcome.BestSimilarity, outcome.BestPrecision));
        Assert.Equal(1, outcome.BestRound!.Round);
        Assert.True(File.Exists(outcome.ReportPath));
        using var store = RunStore.Open(loop.RunDir);
        Assert.Equal(RunStatus.Passed, store.Run.Status);
        // The names run.db keeps are the ones existing runs hold.
        Assert.Equal(["ingest", "train", "infer", "judge", "synth", "train", "infer", "judge"],
            store.Stages().OrderBy(s => s.Started).Select(s => s.Name));
    }

    [Fact]
    public async Task A_student_that_never_learns_stops_at_max_rounds_and_reports_its_best_round()
    {
        using var loop = new FakeLoop("loop: {max_rounds: 2}");

        var outcome = await loop.RunAsync();

        Assert.False(outcome.Passed);
        Assert.Equal("budget: max_rounds 2 reached", outcome.StopReason);
        Assert.Equal(2, outcome.Rounds.Count);
        Assert.Equal(0, outcome.BestRound!.Round);   // a tie at 0: the earlier round
        Assert.Equal((0, 0), (outcome.BestSimilarity, outcome.BestPrecision));
        using var store = RunStore.Open(loop.RunDir);
        Assert.Equal(RunStatus.Stopped, store.Run.Status);
    }

    [Fact]
    public async Task The_synthetic_row_budget_ends_the_loop_after_the_round_that_spends_it()
    {
        using var loop = new FakeLoop("loop: {max_rounds: 5, budgets: {synthetic_rows: 16}}");

        var outcome = await loop.RunAsync();

        Assert.Equal(["below threshold: synthesize", "budget: 16 synthetic rows >= 16"], outcome.Rounds.Select(r => r.Verdict));
        Assert.False(outcome.Passed);
    }

    [Fact]
    public async Task A_finished_run_run_again_calls_no_model_and_keeps_its_result()
    {
        using var loop = new FakeLoop { RowsToLearn = 30 };
        var first = await loop.RunAsync();
        int trained = loop.TrainJobs.Count, answered = loop.StudentCalls, synthesized = loop.SynthCalls;

        var again = await loop.RunAsync();

        Assert.Equal((trained, answered, synthesized), (loop.TrainJobs.Count, loop.StudentCalls, loop.SynthCalls));
        Assert.Equal(first.SummaryLine, again.SummaryLine);
        Assert.Equal(first.Rounds.Select(r => r.Verdict), again.Rounds.Select(r => r.Verdict));
    }

    [Fact]
    public async Task A_run_that_failed_in_infer_resumes_there_without_training_again()
    {
        using var loop = new FakeLoop { RowsToLearn = 30, FailNextAnswer = true };
        await Assert.ThrowsAsync<HttpRequestException>(() => loop.RunAsync());
        using (var store = RunStore.Open(loop.RunDir))
        {
            Assert.Equal(RunStatus.Failed, store.Run.Status);
            Assert.Equal(StageStatus.Failed, store.GetStage(0, "infer")!.Status);
        }

        var outcome = await loop.RunAsync();

        Assert.True(outcome.Passed);
        Assert.Equal([30, 46], loop.TrainJobs.Select(j => j.Rows.Count));   // round 0 trained once
        using var resumed = RunStore.Open(loop.RunDir);
        Assert.Equal(2, resumed.GetStage(0, "infer")!.Attempts);
    }

    [Fact]
    public async Task A_damaged_train_output_is_trained_again_and_later_stages_are_kept()
    {
        using var loop = new FakeLoop("loop: {max_rounds: 1}");
        await loop.RunAsync();
        File.Delete(Path.Combine(loop.RunDir, "round-00", "train", "adapter", "rows.txt"));

        await loop.RunAsync();

        Assert.Equal(2, loop.TrainJobs.Count);
        using var store = RunStore.Open(loop.RunDir);
        Assert.Equal(2, store.GetStage(0, "train")!.Attempts);
        Assert.Equal(1, store.GetStage(0, "infer")!.Attempts);
    }

    [Fact]
    public async Task Single_steps_run_one_stage_each_say_so_in_the_outcome_and_refuse_to_skip_ahead()
    {
        using var loop = new FakeLoop { RowsToLearn = 30 };

        var init = await loop.RunAsync(LoopStage.Ingest);
        Assert.Equal(LoopStage.Ingest, init.SingleStep);
        Assert.Null(init.ReportPath);
        var early = await Assert.ThrowsAsync<InputException>(() => loop.RunAsync(LoopStage.Judge));
        Assert.Contains("llamaduo train --run", early.Message);

        Assert.Equal(LoopStage.Train, (await loop.RunAsync(LoopStage.Train)).SingleStep);
        Assert.Equal(0, loop.StudentCalls);
        Assert.Equal(LoopStage.Infer, (await loop.RunAsync(LoopStage.Infer)).SingleStep);
        var judged = await loop.RunAsync(LoopStage.Judge);
        Assert.Equal(LoopStage.Judge, judged.SingleStep);
        Assert.Equal("below threshold: synthesize", Assert.Single(judged.Rounds).Verdict);
        Assert.Equal(0, loop.SynthCalls);
        using (var store = RunStore.Open(loop.RunDir))
            Assert.Equal(RunStatus.Stopped, store.Run.Status);

        Assert.Equal(LoopStage.Synth, (await loop.RunAsync(LoopStage.Synth)).SingleStep);
        var rest = await loop.RunAsync();
        Assert.Null(rest.SingleStep);
        Assert.True(rest.Passed);
    }
}
