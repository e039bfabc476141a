using System.Text.Json;
using LlamaDuo.Core.Data;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Torch.Generation;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Stage "infer": K sampled answers of the round's student to every test prompt (inference.k, temperature, top-p,
/// stop strings, seed), written to round-NN/generations.jsonl, on the engine inference.engine names: auto (the
/// default: llama.cpp with the round's LoRA as an adapter GGUF on the run's base GGUF when its logits reproduce ours,
/// else torch), llamacpp (the same without the fallback), torch (ours, batched) or remote (any OpenAI-compatible
/// server). Seeded per (prompt, sample), so a rerun after a crash writes the same file.
/// </summary>
internal static class InferStage
{
    public static async Task<IReadOnlyList<Generation>> RunAsync(LoopContext ctx, int round, IReadOnlyList<CoverageRow> test,
        TrainedWeights weights, CancellationToken ct)
    {
        var path = ctx.Folder.RoundFile(round, "generations.jsonl");
        await ctx.StageAsync(round, LoopStage.Infer, async () =>
        {
            var inf = ctx.Config.Inference;
            var started = DateTime.UtcNow;
            var (generations, engine) = inf.Engine switch
            {
                InferenceEngine.Remote => (await RemoteAsync(ctx, round, test, ct), "remote"),
                InferenceEngine.Auto or InferenceEngine.LlamaCpp => await LlamaCppAsync(ctx, round, test, weights, ct),
                _ => (await Task.Run(() => Torch(ctx, round, test, weights, ct), ct), "torch"),
            };
            AtomicFile.WriteAllLines(path, generations.Select(g => JsonSerializer.Serialize(g)));
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            ctx.Say(round, LoopStage.Infer, $"{generations.Count} answers ({test.Count} prompts x {inf.K}) on {engine} in {seconds:0.0} s, "
                + $"{generations.Sum(g => g.CompletionTokens) / Math.Max(seconds, 1e-6):0} tokens/s");
            return [path];
        });
        return JsonlAppendLog.Read<Generation>(path);
    }

    /// <summary>Our TorchSharp engine: batched, KV-cached, K samples per prompt decoded together.</summary>
    static List<Generation> Torch(LoopContext ctx, int round, IReadOnlyList<CoverageRow> test, TrainedWeights weights, CancellationToken ct)
    {
        var inf = ctx.Config.Inference;
        using var student = StudentLoader.Trained(ctx.Config, weights);
        using var client = new TorchChatClient(student);
        var options = ConfigMapping.Decoding(inf, round);
        var conversations = test.Select(r => (IReadOnlyList<ChatTurn>)StudentPrompt.Turns(r.Example)).ToList();
        return client.GenerateBatch(conversations, options, ct).Select(g => new Generation(test[g.PromptIndex].Id, g.SampleIndex, g.Text,
            g.FinishReason.ToString().ToLowerInvariant(), g.PromptTokens, g.CompletionTokens)).ToList();
    }

    /// <summary>
    /// llama.cpp on the run's base GGUF with the round's adapter GGUF (see <see cref="LlamaCppInference"/>). When its
    /// logits do not reproduce ours, engine auto answers on torch instead and engine llamacpp goes on with a warning.
    /// </summary>
    static async Task<(List<Generation>, string)> LlamaCppAsync(LoopContext ctx, int round, IReadOnlyList<CoverageRow> test, TrainedWeights weights, CancellationToken ct)
    {
        var inf = ctx.Config.Inference;
        var engine = await Task.Run(() => LlamaCppInference.Open(ctx, round, test, weights), ct);
        using (engine.Model)
        {
            ctx.Say(round, LoopStage.Infer, "llama.cpp " + engine.Check);
            if (engine.Reproduces || inf.Engine == InferenceEngine.LlamaCpp)
            {
                if (!engine.Reproduces) ctx.Say(round, LoopStage.Infer, "warning: inference.engine is llamacpp, so llama.cpp answers anyway");
                return (await LlamaCppInference.GenerateAsync(engine, test, inf, round, ct), "llama.cpp");
            }
        }
        ctx.Say(round, LoopStage.Infer, "inference.engine auto: answering on torch instead");
        return (await Task.Run(() => Torch(ctx, round, test, weights, ct), ct), "torch");
    }

    /// <summary>A remote OpenAI-compatible server (inference.base_url) that serves the round's model.</summary>
    static async Task<List<Generation>> RemoteAsync(LoopContext ctx, int round, IReadOnlyList<CoverageRow> test, CancellationToken ct)
    {
        ctx.Say(round, LoopStage.Infer, $"remote engine {ctx.Config.Inference.BaseUrl}, model '{ctx.Config.Inference.Model}'");
        using var client = ctx.RemoteStudent(ctx.Config.Inference);
        return await ChatClientGeneration.RunAsync(client, test, ctx.Config.Inference, round, ct);
    }
}
