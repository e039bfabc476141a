using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.Models.Templates;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Export;
using LlamaDuo.Torch.Generation;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// The infer stage on llama.cpp without a merge per round: the run's base model is written once as base.gguf (F32,
/// the training weights as they are) in the run folder, each round's LoRA as round-NN/adapter.gguf that llama.cpp
/// applies at run time (a full fine-tune is written whole as round-NN/model.gguf). Before answering, llama.cpp's
/// logits on the first test prompt are compared with our TorchSharp model's (<see cref="Tolerance"/>); the K samples of
/// each prompt then run as parallel sequences of one <see cref="LlamaCppBatchScheduler"/> sharing the prompt's prefill.
/// </summary>
public static class LlamaCppInference
{
    /// <summary>Largest max |logit difference| accepted, as a fraction of the largest |logit| (at least 1). F32 exports measure ~1e-6 of it.</summary>
    public const double Tolerance = 1e-3;

    /// <summary>Tokens of the first test prompt the logit check runs (enough to cover every layer's attention and the adapter).</summary>
    const int CheckTokens = 64;

    /// <summary>The round's model opened in llama.cpp, with the logit check's verdict.</summary>
    public sealed record Engine(LlamaCppModel Model, IChatTemplate Template, bool Reproduces, string Check);

    /// <summary>Writes (or reuses) the GGUF files of the round, opens them in llama.cpp and checks their logits against ours.</summary>
    public static Engine Open(LoopContext ctx, int round, IReadOnlyList<CoverageRow> test, TrainedWeights weights)
    {
        var config = ctx.Config;
        string model, described;
        string? adapter = null;
        float[][] expected;
        IReadOnlyList<int> tokens;
        IChatTemplate template;
        if (weights.ModelDir is null)
        {
            model = Path.Combine(ctx.Folder.Root, "base.gguf");
            if (!File.Exists(model))
            {
                using var baseModel = StudentLoader.Base(config);
                ModelExport.Write(baseModel, ModelExport.Gguf, new ExportRequest(model, "f32", config.Task.Name, null));
                ctx.Say(round, LoopStage.Infer, $"wrote {Path.GetRelativePath(ctx.Folder.Root, model)} (F32, once per run)");
            }
            described = "base.gguf";
        }
        else
        {
            model = ctx.Folder.RoundFile(round, "model.gguf");
            described = $"round-{round:00}/model.gguf";
        }
        using (var student = StudentLoader.Trained(config, weights))
        {
            template = student.Template;
            if (weights.ModelDir is not null) ModelExport.Write(student, ModelExport.Gguf, new ExportRequest(model, "f32", config.Task.Name, null));
            else if (weights.AdapterDir is { } dir)
            {
                adapter = ctx.Folder.RoundFile(round, "adapter.gguf");
                LoraGgufExport.Export(dir, student.Config, adapter);
                described += $" + round-{round:00}/adapter.gguf";
            }
            var prompt = string.Concat(template.Render(StudentPrompt.Turns(test[0].Example), addGenerationPrompt: true).Select(s => s.Text));
            tokens = new TextGenerator(student).Encode(prompt).Take(Math.Min(CheckTokens, student.ContextLength)).ToList();
            expected = Logits(student, tokens);
        }
        var loaded = LlamaCppModel.Load(model, adapter);
        try
        {
            var (diff, scale, reproduces) = Check(expected, loaded.EvaluateLogits(tokens));
            var check = $"{described}: max |logit diff| vs torch {diff:g3} on {tokens.Count} tokens of the first test prompt "
                + $"(limit {Tolerance * scale:g3}): {(reproduces ? "reproduces" : "does NOT reproduce")} our logits";
            return new Engine(loaded, template, reproduces, check);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>
    /// K answers per test prompt; the K samples of a prompt share its prefill, and all prompts are queued at once so a
    /// rerun gives the same texts. Seeds as <see cref="ChatClientGeneration"/> gives them.
    /// </summary>
    public static async Task<List<Generation>> GenerateAsync(Engine engine, IReadOnlyList<CoverageRow> test, Config.InferenceOptions inf,
        int round, CancellationToken ct)
    {
        var conversations = test.Select(r => (IReadOnlyList<ChatMessage>)StudentPrompt.Messages(r.Example)).ToList();
        var answers = await AnswerAsync(engine.Model, engine.Template, conversations, inf, round, ct);
        return test.SelectMany((row, p) => answers[p].Select((response, k) => new Generation(row.Id, k, response.Text,
            response.FinishReason?.Value ?? "stop", (int)(response.Usage?.InputTokenCount ?? 0), (int)(response.Usage?.OutputTokenCount ?? 0)))).ToList();
    }

    /// <summary>
    /// The infer stage's decoding on llama.cpp (also what `bench generate --shape` times): inference.k samples of each
    /// conversation, max(inference.batch_size, k) sequences of prompt + max_new_tokens decoded together in one
    /// <see cref="LlamaCppBatchScheduler"/>. Result [p][k] answers conversation p with sample k.
    /// <para>
    /// The KV cache is llama.cpp's default (fp16, flash attention as llama.cpp decides), not the exact fp32 cache that
    /// `serve` keeps for concurrent clients. A rerun still writes the same texts: every conversation is queued at once,
    /// so which sequences share each decode depends only on the inputs and the drawn tokens, and llama.cpp's CPU
    /// kernels give the same logits for the same batch. What the fp16 cache gives up is that a seeded answer here
    /// equals the same request sent alone (37-39 of 64 instead of 62-63), which the stage does not need; the exact
    /// cache cost ~9% of the stage's tokens/s at 256 new tokens at the Qwen2.5-0.5B shape (33.2 against 36.4, measured
    /// side by side), more at longer answers.
    /// </para>
    /// </summary>
    public static async Task<IReadOnlyList<IReadOnlyList<ChatResponse>>> AnswerAsync(LlamaCppModel model, IChatTemplate template,
        IReadOnlyList<IReadOnlyList<ChatMessage>> conversations, Config.InferenceOptions inf, int round, CancellationToken ct)
    {
        using var probe = new LlamaCppChatClient(model, template);
        int longest = conversations.Max(c => probe.PromptTokens(c).Count);
        int slotLength = Math.Max(Math.Min(model.TrainedContextLength, longest + inf.MaxNewTokens), longest + 1);
        using var scheduler = new LlamaCppBatchScheduler(model, slots: Math.Max(inf.BatchSize, inf.K), slotLength, exactCache: false);
        using var client = new LlamaCppChatClient(model, template, scheduler: scheduler);
        return await client.GetResponsesAsync(conversations, conversations.Select((_, p) =>
            (IReadOnlyList<ChatOptions>)Enumerable.Range(0, inf.K).Select(k => ChatClientGeneration.Options(inf, round, p * inf.K + k)).ToList()).ToList(), ct);
    }

    /// <summary>Our model's logits [position][vocab] for one sequence, the plain way (whole sequence, no cache).</summary>
    static float[][] Logits(Torch.Loading.StudentModel student, IReadOnlyList<int> tokens)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = tensor(tokens.Select(t => (long)t).ToArray()).unsqueeze(0);      // [1, T]
        var logits = student.Module.Forward(ids)[0].to(ScalarType.Float32);         // [T, V]
        int vocab = (int)logits.shape[1];
        var flat = logits.contiguous().data<float>().ToArray();
        return Enumerable.Range(0, tokens.Count).Select(t => flat.AsSpan(t * vocab, vocab).ToArray()).ToArray();
    }

    /// <summary>
    /// The logit check: max |difference| over every position and token, the scale it is judged against (the largest
    /// |logit| of ours, at least 1), and whether it is within <see cref="Tolerance"/> of that scale. A length mismatch
    /// or a NaN never passes.
    /// </summary>
    public static (double Diff, double Scale, bool Reproduces) Check(float[][] ours, float[][] theirs)
    {
        var (diff, scale) = Compare(ours, theirs);
        return (diff, scale, diff <= Tolerance * scale);
    }

    static (double Diff, double Scale) Compare(float[][] ours, float[][] theirs)
    {
        if (ours.Length != theirs.Length) return (double.PositiveInfinity, 1);
        double diff = 0, scale = 1;
        for (int t = 0; t < ours.Length; t++)
        {
            if (theirs[t].Length != ours[t].Length) return (double.PositiveInfinity, scale);
            for (int i = 0; i < ours[t].Length; i++)
            {
                double d = Math.Abs(ours[t][i] - theirs[t][i]);
                diff = double.IsNaN(d) ? double.NaN : Math.Max(diff, d);
                scale = Math.Max(scale, Math.Abs(ours[t][i]));
            }
        }
        return (diff, scale);
    }
}
