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
public static class JudgeStage
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static async Task<JudgeRunResult> RunAsync(LoopContext ctx, int round, IReadOnlyList<CoverageRow> test,
        IReadOnlyList<Generation> generations, ServiceClient? secondJudge, CancellationToken ct)
    {
        var path = ctx.Folder.RoundFile(round, "judgements.jsonl");
        var items = Items(test, generations);
        var judge = Judge(ctx, ctx.Service);
        var runOptions = ConfigMapping.JudgeRun(ctx.Config);
        JudgeRunResult? result = null;
        await ctx.StageAsync(round, "judge", async () =>
        {
            int done = 0;
            result = await JudgeRunner.RunAsync(judge, items, runOptions, _ =>
            {
                int n = Interlocked.Increment(ref done);
                ctx.Progress.Report(round, "judge", n, items.Count, "candidates judged");
                if (n % 25 == 0 || n == items.Count) ctx.Say(round, "judge", $"{n}/{items.Count} candidates judged");
            }, ct);
            ServiceUnreachableException.ThrowIfAllFailed(ctx, "judge", result.Rows.SelectMany(r => r.Calls).Select(c => c.Error).ToList(),
                result.Rows.Count > 0 && result.Rows.All(r => !r.Scored));
            AtomicFile.WriteAllLines(path, result.Rows.Select(r => JsonSerializer.Serialize(r, Json)));
            ctx.Store.AddJudgements(Records(round, result.Rows, "primary"));
            if (secondJudge is not null)
            {
                var second = await JudgeRunner.RunAsync(Judge(ctx, secondJudge), items, runOptions, null, ct);
                var agreement = JudgeAgreement.Compare(result, second, runOptions.PassRule.CoverageThreshold);
                AtomicFile.WriteAllText(ctx.Folder.RoundFile(round, "second_judge.json"), JsonSerializer.Serialize(new { second.Similarity, second.Precision, agreement }));
                ctx.Store.AddJudgements(Records(round, second.Rows, second.JudgeName));
                ctx.Say(round, "judge", $"second judge {second.JudgeName}: {agreement}");
            }
            return [path];
        });
        // A skipped (already done) stage is rebuilt from its file: the same rows give the same summaries.
        result ??= JudgeRunResult.From(judge.Name, ReadRows(path), runOptions);
        return result;
    }

    /// <summary>Judges candidates outside the round bookkeeping (the export parity gate), through the same cached client.</summary>
    public static Task<JudgeRunResult> ScoreAsync(LoopContext ctx, IReadOnlyList<CoverageRow> test, IReadOnlyList<Generation> generations, CancellationToken ct) =>
        JudgeRunner.RunAsync(Judge(ctx, ctx.Service), Items(test, generations), ConfigMapping.JudgeRun(ctx.Config), null, ct);

    static IRowJudge Judge(LoopContext ctx, ServiceClient service) =>
        ConfigMapping.Programmatic(ctx.Config) is { } programmatic
            ? programmatic
            : new LlmJudge(service.Chat, ConfigMapping.LlmJudge(ctx.Config, service.Options.Model), $"llm:{service.Options.Model}");

    public static List<JudgeItem> Items(IReadOnlyList<CoverageRow> test, IReadOnlyList<Generation> generations)
    {
        var byId = test.ToDictionary(r => r.Id);
        return generations.Select(g =>
        {
            var row = byId[g.RowId];
            // The judge sees the conversation up to the final reply: system prompt and earlier turns are context.
            var turns = row.Example.Messages;
            int instruction = turns.Count - 1;
            while (instruction >= 0 && turns[instruction].Role != "user") instruction--;
            var context = instruction > 0 ? turns.Take(instruction).ToList() : null;
            return new JudgeItem($"{g.RowId}#{g.Sample}", row.Example.Prompt, row.Example.Response ?? "", g.Text, g.RowId, context);
        }).ToList();
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
