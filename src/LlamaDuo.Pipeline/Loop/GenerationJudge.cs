using LlamaDuo.Pipeline.Data;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Providers;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Scores the student's generations with the run's judge (the service LLM, or the programmatic metric the config
/// names), through the run's cached client: the judge stage scores each round with it, the export stage's parity check
/// the exported model's answers. One place decides what the judge sees for a row.
/// </summary>
internal static class GenerationJudge
{
    /// <summary>Judges every generation against its test row's reference; <paramref name="onRow"/> hears each judged row.</summary>
    public static Task<JudgeRunResult> ScoreAsync(LoopContext ctx, ServiceClient service, IReadOnlyList<CoverageRow> test,
        IReadOnlyList<Generation> generations, Action<JudgedRow>? onRow, CancellationToken ct) =>
        JudgeRunner.RunAsync(Judge(ctx, service), Items(test, generations), ConfigMapping.JudgeRun(ctx.Config), onRow, ct);

    /// <summary>The judge the config names, calling <paramref name="service"/> when it is an LLM judge.</summary>
    public static IRowJudge Judge(LoopContext ctx, ServiceClient service) =>
        ConfigMapping.Programmatic(ctx.Config) is { } programmatic
            ? programmatic
            : new LlmJudge(service.Chat, ConfigMapping.LlmJudge(ctx.Config, service.Options.Model) with { StageLabel = LoopStage.Judge.Name() },
                $"llm:{service.Options.Model}");

    /// <summary>One judge item per generation: id "ROW#SAMPLE", the row's instruction and reference, the candidate.</summary>
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
}
