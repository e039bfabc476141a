using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Report;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Cache;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Providers;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// The LlamaDuo loop, top to bottom: ingest and split the coverage data; then per round train the student, answer the
/// test prompts, have the service LLM judge the answers, and decide; while the student is below the pass rule and no
/// budget is spent, synthesize more data from train seeds (deduplicated, decontaminated against test) and go again.
/// Then export the best round and write the report. Every stage is recorded in run.db and skipped when done, so
/// running the same folder again (--resume) continues where a crash stopped it.
/// </summary>
public static class MigrationLoop
{
    /// <summary>Runs (or resumes) the loop in <paramref name="runDir"/>; with <paramref name="onlyStage"/> runs just that next stage.</summary>
    public static async Task<LoopOutcome> RunAsync(LlamaDuoConfig config, string runDir, TextWriter log, CancellationToken ct = default,
        LoopStage? onlyStage = null)
    {
        var folder = new RunFolder(Path.GetFullPath(runDir)).Create();
        using var store = RunStore.Create(folder, config.Task.Name, config.Store.Location());
        SaveOrCheckConfig(config, folder, store, log);
        // With a shared store the response cache is shared too: a teammate's identical judge call is already paid for.
        using var sharedCache = config.Store.Connection is { } shared ? ResponseCache.Postgres(shared) : null;
        // Validates provider, model and key variable before any stage runs: a bad service config costs nothing.
        // Batch mode keeps its batch ids in the run store (table batches), so --resume attaches to a batch still running.
        using var service = ServiceClientFactory.Create(config.Service,
            new ServiceClientParts { CachePath = Path.Combine(folder.Root, "cache.db"), LedgerPath = folder.LedgerPath, Cache = sharedCache, BatchJournal = store.Batches, BatchProgress = line => log.WriteLine($"[batch] {line}") });
        using var secondJudge = config.Judge.SecondJudge is { } second
            ? ServiceClientFactory.Create(ConfigMapping.SecondJudge(config, second),
                new ServiceClientParts { CachePath = Path.Combine(folder.Root, "cache.db"), LedgerPath = Path.Combine(folder.Root, "ledger-second-judge.jsonl"), Cache = sharedCache, BatchJournal = store.Batches, BatchProgress = line => log.WriteLine($"[batch] second judge: {line}") })
            : null;
        using var calls = secondJudge is null ? new CallRecorder(store, service.Ledger) : new CallRecorder(store, service.Ledger, secondJudge.Ledger);
        if (calls.Reconcile() is > 0 and var interrupted)
            log.WriteLine($"{interrupted} service call(s) were in flight when the last process stopped: recorded as interrupted (cost unknown) in run.db and the ledger");
        var ctx = new LoopContext(config, store, service, log) { OnlyStage = onlyStage, Preflight = c => Loop.Preflight.RunAsync(c, secondJudge, ct) };
        return await RunAsync(ctx, secondJudge, ct);
    }

    /// <summary>The loop over a prepared context: its status in run.db, the rounds, and the report at the end.</summary>
    internal static async Task<LoopOutcome> RunAsync(LoopContext ctx, ServiceClient? secondJudge, CancellationToken ct)
    {
        var store = ctx.Store;
        using var span = Core.Telemetry.LlamaDuoTelemetry.Source.StartActivity("llamaduo run")?.SetTag("llamaduo.run.id", ctx.Folder.Id).SetTag("llamaduo.task", ctx.Config.Task.Name);
        store.SetStatus(RunStatus.Running);
        try
        {
            var outcome = await LoopAsync(ctx, secondJudge, ct);
            if (outcome.SingleStep is not null)
            {
                store.SetStatus(RunStatus.Stopped, outcome.StopReason);
                return outcome;
            }
            store.SetStatus(outcome.Passed ? RunStatus.Passed : RunStatus.Stopped, outcome.StopReason);
            // The report is written last so it shows the run's final status.
            return outcome with { ReportPath = RunReport.Write(store) };
        }
        catch (Exception e) when (e is OperationCanceledException || ct.IsCancellationRequested)
        {
            // Whatever the stage threw on its way out, a cancelled run (SIGTERM, Ctrl+C) was stopped, not failed.
            store.SetStatus(RunStatus.Stopped, "stopped (signal or cancellation); continue with --resume");
            throw;
        }
        catch (Exception e)
        {
            store.SetStatus(RunStatus.Failed, $"{e.Message} (fix the cause, then continue with --resume)");
            TryWriteReport(store, ctx.Log);
            throw;
        }
    }

    static async Task<LoopOutcome> LoopAsync(LoopContext ctx, ServiceClient? secondJudge, CancellationToken ct)
    {
        var config = ctx.Config;
        bool ingestNow = !ctx.Store.IsStageDone(0, LoopStage.Ingest.Name());
        var split = IngestStage.Run(config, ctx.Store);
        ctx.Say(0, LoopStage.Ingest, $"{split.Train.Count} train rows, {split.Test.Count} test rows (data/train.jsonl, data/test.jsonl)");
        if (ingestNow && OverlongRows.Report(config, split) is { } overlong) ctx.Say(0, LoopStage.Ingest, overlong);
        if (ctx.OnlyStage == LoopStage.Ingest) return Step(ctx, LoopStage.Ingest, 0);
        var accepted = new List<CoverageRow>();
        var metrics = new List<RoundMetrics>();
        TrainedWeights? weights = null;
        JudgeRunResult? last = null;
        for (int round = 0; ; round++)
        {
            int added = 0, dropped = 0;
            if (round > 0)
            {
                int wanted = SyntheticRowsWanted(config, accepted.Count);
                var batch = await SynthStage.RunAsync(ctx, round, split.Train, split.Test, accepted, last!, wanted, ct);
                added = batch.Count;
                dropped = ctx.Store.SynthesisDrops().Where(d => d.Round == round).Sum(d => d.Count);
                accepted.AddRange(batch);
                if (ctx.RanOnlyStage) return Step(ctx, LoopStage.Synth, round);
            }
            weights = await TrainStage.RunAsync(ctx, round, [.. split.Train, .. accepted], weights, ct);
            if (ctx.RanOnlyStage) return Step(ctx, LoopStage.Train, round);
            var generations = await InferStage.RunAsync(ctx, round, split.Test, weights, ct);
            if (ctx.RanOnlyStage) return Step(ctx, LoopStage.Infer, round);
            last = await JudgeStage.RunAsync(ctx, round, split.Test, generations, secondJudge, ct);

            // A round decided before (the run is resumed or re-run) keeps the verdict it was given then: budgets that
            // have run out since, wall time above all, must not rewrite a finished run's result.
            var m = ctx.Store.Rounds().FirstOrDefault(r => r.Round == round);
            if (m is not null) ctx.Say(round, LoopStage.Decide, $"decided earlier: {m.Verdict}");
            else m = Decide(ctx, round, split, accepted.Count, added, dropped, last);
            metrics.Add(m);
            if (ctx.RanOnlyStage) return Step(ctx, LoopStage.Judge, round, $" ({m.Verdict})");
            if (m.Passed || m.Verdict != ContinueVerdict) break;
        }

        var stopReason = metrics[^1].Verdict;
        string? model = config.Export.Formats.Count == 0 ? null
            : await ExportStage.RunAsync(ctx, ExportRound(ctx, metrics.Count - 1), BestRound.Of(metrics)!, split.Test, ct);
        return new LoopOutcome(metrics.Any(m => m.Passed), metrics, ctx.Folder.Root, model, null, stopReason);
    }

    /// <summary>The verdict of a round that goes on to synthesis; any other verdict ends the loop.</summary>
    const string ContinueVerdict = "below threshold: synthesize";

    /// <summary>Decides a freshly judged round against the pass rule and the budgets, and records the verdict.</summary>
    static RoundMetrics Decide(LoopContext ctx, int round, TrainTestSplit split, int syntheticRows, int added, int dropped, JudgeRunResult last)
    {
        bool passed = Passes(ctx.Config, last);
        string? budget = passed ? null : BudgetSpent(ctx, round, syntheticRows);
        string verdict = passed ? "pass" : budget ?? ContinueVerdict;
        var m = new RoundMetrics(round, split.Train.Count + syntheticRows, split.Test.Count, added, dropped,
            last.Similarity, last.Precision, passed, verdict);
        ctx.Store.RecordRound(m);
        // Enough digits that a mean just under the bound does not print as the bound (89.9997 is not "90.0").
        var pass = ctx.Config.Judge.Pass;
        ctx.Say(round, LoopStage.Decide, $"similarity {DecisionFigure.Format(last.Similarity.Mean, pass.MinSimilarity, 1)} (median {last.Similarity.Median:0.0}, coverage {last.Similarity.CoveragePercent:0}%), "
            + $"precision {DecisionFigure.Format(last.Precision.Mean, pass.MinPrecision, 1)}; {verdict}"
            + (last.UnscoredRows > 0 ? $"; {last.UnscoredRows} candidates unscored (see judgements.jsonl)" : ""));
        return m;
    }

    /// <summary>
    /// The round whose export stage runs: the last round, unless an export is already done (under the round that
    /// ended the loop then). A finished export is kept: never replaced by another round's.
    /// </summary>
    static int ExportRound(LoopContext ctx, int lastRound) =>
        ctx.Store.Stages().FirstOrDefault(s => s.Name == LoopStage.Export.Name() && s.Status == StageStatus.Done)?.Round ?? lastRound;

    /// <summary>A failed run still gets a report of what it did; a problem writing it must not hide the real error.</summary>
    static void TryWriteReport(RunStore store, TextWriter log)
    {
        try { RunReport.Write(store); }
        catch (Exception e) { log.WriteLine($"(report not written: {e.Message})"); }
    }

    /// <summary>The outcome of a single-step command: the rounds judged so far, stopped after the requested stage.</summary>
    static LoopOutcome Step(LoopContext ctx, LoopStage stage, int round, string verdict = "")
    {
        var rounds = ctx.Store.Rounds();
        return new LoopOutcome(rounds.Any(m => m.Passed), rounds, ctx.Folder.Root, null, null, $"single step: {stage.Name()}{verdict} of round {round} done")
        {
            SingleStep = stage,
        };
    }

    /// <summary>The pass rule (judge.pass, statistic included) as the judge stage applied it.</summary>
    static bool Passes(LlamaDuoConfig config, JudgeRunResult r) => r.Decision.Passed;

    static int SyntheticRowsWanted(LlamaDuoConfig config, int soFar)
    {
        int wanted = config.Synthesis.RowsPerRound;
        if (config.Loop.Budgets.SyntheticRows is { } cap) wanted = Math.Min(wanted, Math.Max(0, cap - soFar));
        return Math.Max(1, wanted);
    }

    /// <summary>The first budget this round used up, or null: rounds, synthetic rows, tokens, dollars, wall time.</summary>
    static string? BudgetSpent(LoopContext ctx, int round, int syntheticRows)
    {
        var b = ctx.Config.Loop.Budgets;
        var (tokens, dollars) = ctx.Store.TotalSpend();
        if (round + 1 >= ctx.Config.Loop.MaxRounds) return $"budget: max_rounds {ctx.Config.Loop.MaxRounds} reached";
        if (b.SyntheticRows is { } rows && syntheticRows >= rows) return $"budget: {syntheticRows} synthetic rows >= {rows}";
        if (b.Tokens is { } t && tokens >= t) return $"budget: {tokens} service tokens >= {t}";
        if (b.Dollars is { } d && dollars >= d) return $"budget: ${dollars:0.00} >= ${d:0.00}";
        if (b.WallMinutes is { } w && (DateTimeOffset.UtcNow - ctx.Store.Run.Created).TotalMinutes >= w) return $"budget: wall time {w} minutes";
        return null;
    }

    /// <summary>The demo service gets a new loopback port each start; its address is not part of the run's identity.</summary>
    static string Comparable(LlamaDuoConfig c) =>
        (c.Service.Provider == ServiceProvider.Demo ? c with { Service = c.Service with { BaseUrl = null } } : c).ToYaml();

    /// <summary>
    /// The resolved config is saved on the first run; a resumed run must use the same one, unless no stage has
    /// finished yet (the first attempt stopped while setting up: bad data, an unset key variable): then the corrected
    /// config replaces it.
    /// </summary>
    static void SaveOrCheckConfig(LlamaDuoConfig config, RunFolder folder, RunStore store, TextWriter log)
    {
        var yaml = config.ToYaml();
        if (!File.Exists(folder.ConfigPath)) { AtomicFile.WriteAllText(folder.ConfigPath, yaml); return; }
        if (Comparable(LlamaDuoConfig.Load(folder.ConfigPath)) == Comparable(config)) return;
        if (!store.HasProgress())
        {
            log.WriteLine("the earlier attempt in this folder stopped before any stage finished; starting again with this config");
            AtomicFile.WriteAllText(folder.ConfigPath, yaml);
            return;
        }
        throw new Core.Errors.InputException(
            "this run folder was started with a different config; resume it with its own config.yaml, or start a new run folder",
            folder.ConfigPath);
    }
}
