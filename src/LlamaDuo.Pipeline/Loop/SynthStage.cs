using System.Text.Json;
using LlamaDuo.Core.Data;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Dedup;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Synthesis;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Stage "synth" (rounds 1 and later): the service LLM writes new pairs seeded from TRAIN rows only (weighted towards
/// what the student failed last round when synthesis.weighted_by_failures), then dedup drops exact and near duplicates
/// of train and of earlier synthetic rows and anything too close to a TEST row. Writes round-NN/synthetic.jsonl (all
/// generated rows with provenance), dedup.jsonl (one decision per row, with the row it collided with) and
/// accepted.jsonl (the rows the next training uses).
/// </summary>
internal static class SynthStage
{
    public static async Task<IReadOnlyList<CoverageRow>> RunAsync(LoopContext ctx, int round, IReadOnlyList<CoverageRow> train,
        IReadOnlyList<CoverageRow> test, IReadOnlyList<CoverageRow> acceptedSoFar, JudgeRunResult lastJudgement,
        int rowsWanted, CancellationToken ct)
    {
        var accepted = ctx.Folder.RoundFile(round, "accepted.jsonl");
        await ctx.StageAsync(round, LoopStage.Synth, async () =>
        {
            Directory.CreateDirectory(ctx.Folder.RoundDir(round));
            var cfg = ctx.Config;
            var task = new TaskDescription(cfg.Task.Name, cfg.Task.Topic, cfg.Task.SystemPrompt);
            var synthesizer = new DataSynthesizer(ctx.Service.Chat, task,
                ConfigMapping.Synthesis(cfg, ctx.Service.Options.Model) with { StageLabel = LoopStage.Synth.Name() }, ctx.Service.Options.Model);
            var trainExamples = train.Select(r => r.Example).ToList();
            var weights = cfg.Synthesis.WeightedByFailures ? FailureWeights(trainExamples, lastJudgement, cfg.Judge.Pass.CoverageThreshold) : null;
            var result = await synthesizer.GenerateAsync(trainExamples, round, rowsWanted, weights, ct);
            ServiceUnreachableException.ThrowIfAllFailed(ctx, "synthesis", result.Diagnostics.Where(d => d.Message.StartsWith("call failed", StringComparison.Ordinal)).Select(d => (string?)d.Message).ToList(),
                result.Rows.Count == 0 && result.Calls > 0 && result.Diagnostics.Count(d => d.Message.StartsWith("call failed", StringComparison.Ordinal)) == result.Calls);
            foreach (var d in result.Diagnostics.Take(5)) ctx.Say(round, LoopStage.Synth, $"note: batch {d.Batch}: {d.Message}");
            AtomicFile.WriteAllLines(ctx.Folder.RoundFile(round, "synthetic.jsonl"),
                result.Rows.Select(r => JsonSerializer.Serialize(new { id = r.Example.Id, messages = r.Example.Messages, provenance = r.Provenance })));

            var dedup = new Deduplicator(ConfigMapping.Dedup(cfg))
                .Run(result.Rows.Select(r => r.Example).ToList(), [.. trainExamples, .. acceptedSoFar.Select(r => r.Example)], test.Select(r => r.Example).ToList());
            AtomicFile.WriteAllLines(ctx.Folder.RoundFile(round, "dedup.jsonl"), dedup.Decisions.Select(d => JsonSerializer.Serialize(d)));
            var kept = dedup.Kept.Select(e => new CoverageRow(e, new RowProvenance("synthetic", 0, RowProvenance.Synthetic, round))).ToList();
            DatasetFile.Write(accepted, kept);
            ctx.Store.AddRows(RunStore.TrainSplit, kept);
            var drops = dedup.Decisions.Where(d => !d.Kept).GroupBy(d => d.Reason.ToString()).ToDictionary(g => g.Key, g => g.Count());
            ctx.Store.RecordSynthesisDrops(round, drops);
            ctx.Say(round, LoopStage.Synth, $"{result.Rows.Count} rows from {result.Calls} calls; kept {kept.Count}, dropped "
                + (drops.Count == 0 ? "none" : string.Join(", ", drops.Select(kv => $"{kv.Value} {kv.Key}"))));
            return [accepted];
        });
        return DatasetFile.Read(accepted);
    }

    /// <summary>Seed weights that favour train rows resembling the test prompts the student failed.</summary>
    static IReadOnlyDictionary<string, double> FailureWeights(IReadOnlyList<ChatExample> train, JudgeRunResult last, double threshold)
    {
        var scores = last.Rows.Select(r => (r.Item.Instruction, Math.Min(r.Similarity ?? 0, r.Precision ?? 0)));
        return SeedSampler.FailureWeights(train, scores, threshold, new SynthesisOptions().FailureBoost);
    }
}
