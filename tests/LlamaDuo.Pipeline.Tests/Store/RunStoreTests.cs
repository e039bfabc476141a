using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Batch;

namespace LlamaDuo.Pipeline.Tests.Store;

/// <summary>
/// What every run store must do, run against each backend: the folder's SQLite run.db and a real PostgreSQL server
/// (<see cref="PostgresRunStoreTests"/>).
/// </summary>
public abstract class RunStoreContract
{
    protected abstract RunStore NewStore(TempDir dir, string id = "20261128-100000-t");

    [Fact]
    public void Create_makes_the_layout_and_Open_finds_the_run_again()
    {
        using var dir = new TempDir();
        using (var store = NewStore(dir))
        {
            Assert.Equal(RunStatus.Created, store.Run.Status);
            store.SetStatus(RunStatus.Running);
        }
        var folder = new RunFolder(Path.Combine(dir.Path, "20261128-100000-t"));
        Assert.True(Directory.Exists(folder.DataDir));
        Assert.True(Directory.Exists(folder.ExportDir));
        Assert.EndsWith("round-03/judgements.jsonl", folder.RoundFile(3, "judgements.jsonl"));
        using var again = RunStore.Open(folder.Root);
        Assert.StartsWith("20261128-100000-t", again.Run.Id);
        Assert.Equal(("t", RunStatus.Running), (again.Run.Task, again.Run.Status));
        Assert.Throws<InputException>(() => RunStore.Open(dir.Path));
    }

    [Fact]
    public void Stages_are_idempotent_so_resume_skips_done_work()
    {
        using var dir = new TempDir();
        using var store = NewStore(dir);
        Assert.True(store.TryStartStage(0, "train"));
        Assert.Equal(StageStatus.Running, store.GetStage(0, "train")!.Status);
        store.CompleteStage(0, "train", ["round-00/adapter"]);
        var done = store.GetStage(0, "train")!;
        store.CompleteStage(0, "train", ["other"]); // repeated completion keeps the first
        Assert.False(store.TryStartStage(0, "train"));
        var after = store.GetStage(0, "train")!;
        Assert.Equal((done.Ended, done.Attempts), (after.Ended, after.Attempts));
        Assert.Equal(["round-00/adapter"], after.Outputs);

        Assert.True(store.TryStartStage(0, "infer"));
        store.FailStage(0, "infer", "out of memory");
        Assert.Equal(("out of memory", StageStatus.Failed), (store.GetStage(0, "infer")!.Error, store.GetStage(0, "infer")!.Status));
        Assert.True(store.TryStartStage(0, "infer")); // failed (or crashed while running) stages run again
        Assert.Equal(2, store.GetStage(0, "infer")!.Attempts);
        Assert.Null(store.GetStage(0, "infer")!.Error);
        Assert.Null(store.GetStage(1, "train"));
        Assert.Equal(2, store.Stages().Count);
    }

    [Fact]
    public void Round_metrics_round_trip_including_missing_scores()
    {
        using var dir = new TempDir();
        using var store = NewStore(dir);
        var sim = ScoreSummary.From([80, 90, 100, 70], 85);
        store.RecordRound(new RoundMetrics(0, 80, 20, 0, 0, sim, ScoreSummary.From([95], 85), false, "below threshold"));
        store.RecordRound(new RoundMetrics(1, 200, 20, 120, 30, null, null, false, "stopped: budget dollars"));
        store.RecordRound(new RoundMetrics(0, 80, 20, 0, 0, sim, sim, true, "pass")); // replaces round 0
        var rounds = store.Rounds();
        Assert.Equal(2, rounds.Count);
        // run.db has no column for the coverage threshold (config.yaml holds it): it reads back as NaN.
        Assert.Equal(sim with { Threshold = double.NaN }, rounds[0].Similarity);
        Assert.True(rounds[0].Passed);
        Assert.Null(rounds[1].Similarity);
        Assert.Equal(85, sim.Mean);
        Assert.Equal(85, sim.Median);
        Assert.Equal(50, sim.CoveragePercent);
        Assert.True(sim.CiLow < 85 && sim.CiHigh > 85);
    }

    [Fact]
    public void Rows_judgements_and_calls_are_counted_once_when_recorded_again()
    {
        using var dir = new TempDir();
        using var store = NewStore(dir);
        var rows = Enumerable.Range(0, 3).Select(i => new CoverageRow(ChatExample.FromPair($"s{i}", "q", "a"), new RowProvenance("round-01/synthetic.jsonl", i + 1, RowProvenance.Synthetic, 1))).ToList();
        Assert.Equal(3, store.AddRows(RunStore.TrainSplit, rows));
        Assert.Equal(0, store.AddRows(RunStore.TrainSplit, rows));
        Assert.Equal(3, store.RowsIn(RunStore.TrainSplit, RowProvenance.Synthetic).Count);
        Assert.Empty(store.RowsIn(RunStore.TrainSplit, RowProvenance.Coverage));
        Assert.Contains("\"round\":1", store.RowsIn(RunStore.TrainSplit)[0].ProvenanceJson);

        var judgement = new JudgementRecord(0, "t1", 0, 0, "primary", 85, 90, "close");
        var failed = new JudgementRecord(0, "t1", 0, 1, "primary", null, null, null, "no JSON object in reply");
        Assert.Equal(2, store.AddJudgements([judgement, failed]));
        Assert.Equal(0, store.AddJudgements([judgement]));
        Assert.Equal([judgement, failed], store.Judgements(0));

        var call = new CallRecord("req-abc", 0, "judge", "openai", "gpt-4o", 1000, 200, 0.0045, 800, "ok", false, DateTimeOffset.UtcNow);
        Assert.True(store.RecordCall(call));
        Assert.False(store.RecordCall(call));
        store.RecordCall(call with { Id = "req-def", Cached = true, Dollars = 0, BatchId = "batch_abc" });
        Assert.Equal([call, call with { Id = "req-def", Cached = true, Dollars = 0, BatchId = "batch_abc" }], store.Calls().OrderBy(c => c.Id));
        var cost = Assert.Single(store.Costs());
        Assert.Equal((2L, 2000L, 400L, 0.0045), (cost.Calls, cost.InputTokens, cost.OutputTokens, cost.Dollars));
        Assert.Equal((2400L, 0.0045), store.TotalSpend());
    }

    [Fact]
    public void Losses_and_drops_are_replaced_by_key()
    {
        using var dir = new TempDir();
        using var store = NewStore(dir);
        store.RecordLosses([new LossPoint(0, 0, 2.5), new LossPoint(0, 1, 2.1, 1e-4)]);
        store.RecordLosses([new LossPoint(0, 1, 2.0, 1e-4)]);
        Assert.Equal([new LossPoint(0, 0, 2.5), new LossPoint(0, 1, 2.0, 1e-4)], store.Losses());
        store.RecordSynthesisDrops(1, new Dictionary<string, int> { ["near-duplicate"] = 4, ["contaminated"] = 1 });
        store.RecordSynthesisDrops(1, new Dictionary<string, int> { ["near-duplicate"] = 5 });
        Assert.Equal([new SynthesisDrop(1, "contaminated", 1), new SynthesisDrop(1, "near-duplicate", 5)], store.SynthesisDrops());
    }

    [Fact]
    public void Provider_batches_are_journaled_so_a_reopened_run_finds_the_open_ones()
    {
        using var dir = new TempDir();
        var t0 = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        string root;
        using (var store = NewStore(dir))
        {
            root = store.Folder.Root;
            var journal = store.Batches;
            journal.Upsert(new BatchRecord("batch_a", "openai", "gpt-4o", "judge", BatchStatuses.Submitted, ["k1", "k2"], t0, null, null));
            journal.Upsert(new BatchRecord("msgbatch_b", "anthropic", "claude-sonnet-4", "synth", BatchStatuses.Submitted, ["k3"], t0.AddMinutes(1), null, null));
            journal.Upsert(new BatchRecord("batch_a", "openai", "gpt-4o", "judge", BatchStatuses.Consumed, ["k1", "k2"], t0, t0.AddMinutes(5), "2 ok"));
        }
        // What a process restarted with --resume sees: only the batch still waiting on the provider.
        using var reopened = RunStore.Open(root);
        var open = Assert.Single(reopened.Batches.ListOpen());
        Assert.Equal(("msgbatch_b", "anthropic", t0.AddMinutes(1)), (open.Id, open.Provider, open.Created));
        Assert.Equal(["k3"], open.CustomIds);
        var all = reopened.AllBatches();
        Assert.Equal(["batch_a", "msgbatch_b"], all.Select(b => b.Id));
        Assert.Equal((BatchStatuses.Consumed, t0.AddMinutes(5), "2 ok"), (all[0].Status, all[0].Ended, all[0].Detail));
        // Writes from other threads (the batching client's pollers) each use their own connection.
        Parallel.For(0, 8, i => reopened.Batches.Upsert(new BatchRecord($"batch_p{i}", "openai", "gpt-4o", "judge", BatchStatuses.Submitted, [$"p{i}"], t0, null, null)));
        Assert.Equal(9, reopened.Batches.ListOpen().Count);
    }

    [Fact]
    public void A_second_connection_can_read_while_the_first_writes()
    {
        using var dir = new TempDir();
        using var writer = NewStore(dir);
        writer.RecordRound(new RoundMetrics(0, 1, 1, 0, 0, null, null, false, "x"));
        using var reader = RunStore.Open(writer.Folder.Root);
        Assert.Single(reader.Rounds());
        writer.RecordRound(new RoundMetrics(1, 1, 1, 0, 0, null, null, true, "pass"));
        Assert.Equal(2, reader.Rounds().Count);
    }
}

/// <summary>The run store in the run folder's run.db.</summary>
public sealed class SqliteRunStoreTests : RunStoreContract
{
    protected override RunStore NewStore(TempDir dir, string id = "20261128-100000-t") => RunStore.Create(new RunFolder(Path.Combine(dir.Path, id)), "t");

    [Fact]
    public void The_run_id_is_kept_when_the_folder_is_moved()
    {
        using var dir = new TempDir();
        using (var store = NewStore(dir)) store.RecordRound(new RoundMetrics(0, 1, 1, 0, 0, null, null, false, "x"));
        var moved = Path.Combine(dir.Path, "moved");
        Directory.Move(Path.Combine(dir.Path, "20261128-100000-t"), moved);
        using var again = RunStore.Open(moved);
        Assert.Equal("20261128-100000-t", again.Run.Id);
        Assert.Single(again.Rounds());
    }
}

