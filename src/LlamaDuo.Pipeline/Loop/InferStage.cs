using System.Text.Json;
using LlamaDuo.Core.Data;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Torch.Generation;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Stage "infer": K sampled answers of the round's student to every test prompt (inference.k, temperature, top-p,
/// stop strings, seed), written to round-NN/generations.jsonl. Seeded per (prompt, sample), so a rerun after a crash
/// writes the same file.
/// </summary>
public static class InferStage
{
    public static async Task<IReadOnlyList<Generation>> RunAsync(LoopContext ctx, int round, IReadOnlyList<CoverageRow> test,
        TrainedWeights weights, CancellationToken ct)
    {
        var path = ctx.Folder.RoundFile(round, "generations.jsonl");
        await ctx.StageAsync(round, "infer", () => Task.Run<IReadOnlyList<string>>(() =>
        {
            var inf = ctx.Config.Inference;
            using var student = StudentLoader.Trained(ctx.Config, weights);
            using var client = new TorchChatClient(student);
            var options = new GenerationOptions
            {
                MaxNewTokens = inf.MaxNewTokens,
                Temperature = (float)inf.Temperature,
                TopP = (float)inf.TopP,
                TopK = inf.TopK,
                Seed = inf.Seed + round,
                StopStrings = inf.Stop,
                SamplesPerPrompt = inf.K,
                MaxBatchSize = inf.BatchSize,
            };
            var conversations = test.Select(r => (IReadOnlyList<ChatTurn>)PromptTurns(r.Example)).ToList();
            var started = DateTime.UtcNow;
            var results = client.GenerateBatch(conversations, options, ct);
            var generations = results.Select(g => new Generation(test[g.PromptIndex].Id, g.SampleIndex, g.Text,
                g.FinishReason.ToString().ToLowerInvariant(), g.PromptTokens, g.CompletionTokens)).ToList();
            AtomicFile.WriteAllLines(path, generations.Select(g => JsonSerializer.Serialize(g)));
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            ctx.Say(round, "infer", $"{generations.Count} answers ({test.Count} prompts x {inf.K}) in {seconds:0.0} s, "
                + $"{generations.Sum(g => g.CompletionTokens) / Math.Max(seconds, 1e-6):0} tokens/s");
            return [path];
        }, ct));
        return JsonlAppendLog.Read<Generation>(path);
    }

    /// <summary>The conversation up to the reference answer: what the student is asked.</summary>
    public static List<ChatTurn> PromptTurns(ChatExample example)
    {
        int last = example.Messages.Count - 1;
        while (last >= 0 && example.Messages[last].Role == "assistant") last--;
        return example.Messages.Take(last + 1).ToList();
    }
}
