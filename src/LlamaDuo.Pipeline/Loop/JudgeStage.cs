using System.Text.Json;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Providers;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Stage "judge": every (test prompt, reference, candidate) is scored by the service LLM M times (judge.rounds) on
/// similarity and precision, or by a programmatic metric; rows that could not be scored are diagnosed, never fatal.
/// Writes round-NN/judgements.jsonl (one judged candidate per line) and the judgement table of the run store. Every
/// call goes through the response cache, so a rerun after a crash pays for nothing it already got.
/// </summary>
internal static class JudgeStage
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static async Task<JudgeRunResult> RunAsync(LoopContext ctx, int round, IReadOnlyList<CoverageRow> test,
        IReadOnlyList<Generation> generations, ServiceClient? secondJudge, CancellationToken ct)
    {
        var path = ctx.Folder.RoundFile(round, "judgements.jsonl");
        var runOptions = ConfigMapping.JudgeRun(ctx.Config);
        JudgeRunResult? result = null;
        await ctx.StageAsync(round, LoopStage.Judge, async () =>
        {
            int done = 0, total = generations.Count;
            result = await GenerationJudge.ScoreAsync(ctx, ctx.Service, test, generations, _ =>
            {
                int n = Interlocked.Increment(ref done);
                ctx.Progress.Report(round, LoopStage.Judge.Name(), n, total, "candidates judged");
                if (n % 25 == 0 || n == total) ctx.Say(round, LoopStage.Judge, $"{n}/{total} candidates judged");
            }, ct);
            ServiceUnreachableException.ThrowIfAllFailed(ctx, "judge", result.Rows.SelectMany(r => r.Calls).Select(c => c.Error).ToList(),
                result.Rows.Count > 0 && result.Rows.All(r => !r.Scored));
            AtomicFile.WriteAllLines(path, result.Rows.Select(r => JsonSerializer.Serialize(r, Json)));
            ctx.Store.AddJudgements(Records(round, result.Rows, "primary"));
            if (secondJudge is not null)
            {
                var second = await GenerationJudge.ScoreAsync(ctx, secondJudge, test, generations, null, ct);
                var agreement = JudgeAgreement.Compare(result, second, runOptions.PassRule.CoverageThreshold);
                AtomicFile.WriteAllText(ctx.Folder.RoundFile(round, "second_judge.json"), JsonSerializer.Serialize(new { second.Similarity, second.Precision, agreement }));
                ctx.Store.AddJudgements(Records(round, second.Rows, second.JudgeName));
                ctx.Say(round, LoopStage.Judge, $"second judge {second.JudgeName}: {agreement}");
            }
            return [path];
        });
        // A skipped (already done) stage is rebuilt from its file: the same rows give the same summaries.
        result ??= JudgeRunResult.From(GenerationJudge.Judge(ctx, ctx.Service).Name, ReadRows(path), runOptions);
        return result;
    }

    static IEnumerable<JudgementRecord> Records(int round, IReadOnlyList<JudgedRow> rows, string judge) =>
        rows.SelectMany(r =>
        {
            var sample = int.Parse(r.Item.Id[(r.Item.Id.LastIndexOf('#') + 1)..]);
            var rowId = r.Item.PromptId ?? r.Item.Id;
            return r.Calls.Count == 0
                ? [new JudgementRecord(round, rowId, sample, 0, judge, r.Similarity, r.Precision, null,
                    r.Diagnostics.FirstOrDefault()?.Message)]
                : r.Calls.Select(c => new JudgementRecord(round, rowId, sample, c.Round, judge,
                    c.Scores?.Similarity, c.Scores?.Precision, c.Scores?.SimilarityReason, c.Error));
        });

    static List<JudgedRow> ReadRows(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<JudgedRow>(l, Json)!).ToList();
}
