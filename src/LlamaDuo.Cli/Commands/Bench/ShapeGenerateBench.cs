using System.Diagnostics;
using System.Globalization;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.Models.Catalog;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Torch.Catalog;
using LlamaDuo.Torch.Generation;
using LlamaDuo.Torch.Lora;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace LlamaDuo.Cli.Commands.Bench;

/// <summary>
/// <c>llamaduo bench generate --shape NAME</c>: decoding speed at a real student shape (random N(0, 0.02) weights,
/// the real config and tokenizer) with a LoRA r8 on q, k, v, o attached, as the infer stage runs a trained round.
/// Side by side in one process on the same weights (fp32 base + adapter): our TorchSharp engine and llama.cpp (base
/// GGUF + adapter GGUF) at batch 1 and at K samples of one prompt; then the infer stage's own llama.cpp path
/// (<see cref="LlamaCppInference.AnswerAsync"/>: K samples per prompt sharing the prefill, continuous batching) against
/// llama.cpp's plain batched generation (<see cref="LlamaCppGenerator"/>: one context, the same number of sequences
/// per llama_batch, each sequence prefilled on its own) on the same prompts, sampling and token budget.
/// </summary>
static class ShapeGenerateBench
{
    // Summarize-style requests of a few hundred tokens, like the no_robots Summarize test prompts.
    static readonly string[] Documents =
    [
        "The city council met on Tuesday to discuss the new library. Residents had asked for longer opening hours, a children's room and more computers. The budget allows for two of the three this year. After a long debate the council chose the children's room and longer hours, and promised to revisit the computers next spring when the new tax figures are known.",
        "Maria started her bakery in a garage with one oven and a borrowed mixer. Ten years later she runs three shops and employs forty people. She says the secret is simple: bake every loaf the same morning it is sold, never freeze dough, and listen to the customers who complain, because they are the ones who care enough to come back.",
        "A study of 2,000 commuters found that people who cycled to work reported less stress than those who drove, even when their journeys took longer. The researchers think the exercise, the predictability of the trip and the time outdoors all play a part, but warn that the cyclists may also have chosen jobs and homes that made cycling easy.",
        "The museum's new exhibition brings together maps drawn over five centuries. Early maps show sea monsters in the empty oceans; later ones replace them with careful soundings of depth. The curators argue that the change shows not only better instruments but a new attitude: what was unknown became something to be measured rather than feared.",
    ];

    public static int Run(string shapeName, bool quick, int? tokensOption, int k, bool stageOnly, CancellationToken ct)
    {
        var shape = BenchShapes.Find(shapeName, "--shape");
        int tokens = tokensOption ?? (quick ? 32 : 128);
        int prompts = quick ? 2 : Documents.Length;
        var dir = Directory.CreateTempSubdirectory("llamaduo-bench-shape-").FullName;
        try
        {
            using var model = BenchShapeModels.Load(shape, ScalarType.Float32, seed: 0, log: Console.Error);
            var baseGguf = Path.Combine(dir, "base.gguf");
            var clock = Stopwatch.StartNew();
            StudentModelExport.ToGguf(model, baseGguf, GgufQuant.F32, shape.Name);
            double exportSeconds = clock.Elapsed.TotalSeconds;
            var adapterGguf = AttachAdapter(model, dir);
            using var llama = LlamaCppModel.Load(baseGguf, adapterGguf);
            var conversations = Documents.Take(prompts)
                .Select(d => (IReadOnlyList<ChatMessage>)[new ChatMessage(ChatRole.User, "Summarize this in two sentences:\n\n" + d)]).ToList();
            using var client = new LlamaCppChatClient(llama, model.Template);
            var ids = conversations.Select(client.PromptTokens).ToList();
            Console.Error.WriteLine($"bench generate --shape {shape.Name}: {shape.ParameterCount / 1e6:F0}M parameters, fp32 + LoRA r8 q,k,v,o, " +
                $"{tokens} new tokens per sequence, K = {k}, {prompts} prompts of {ids.Min(p => p.Count)}-{ids.Max(p => p.Count)} tokens, " +
                $"{Environment.ProcessorCount} cores; base GGUF written in {exportSeconds:F1} s; tokenizer: {shape.TokenizerNote}");

            (double TorchB1, double TorchBk, double LlamaB1, double LlamaBk)? side = stageOnly ? null : TorchAndBatchOne(model, llama, ids[0], tokens, k, ct);

            // The infer stage's path against llama.cpp's plain batched loop: same prompts x K, same sequences per decode.
            var inference = new InferenceOptions { K = k, MaxNewTokens = tokens, Temperature = 0.8, BatchSize = Math.Max(8, k) };
            int slots = Math.Max(inference.BatchSize, k);
            var reference = Measure(() => Reference(llama, ids, k, slots, tokens, ct));
            var stage = Measure(() => LlamaCppInference.AnswerAsync(llama, model.Template, conversations, inference, round: 0, ct)
                .GetAwaiter().GetResult().Sum(p => p.Sum(r => (int)(r.Usage?.OutputTokenCount ?? 0))));

            if (side is { } o)
            {
                Console.Error.WriteLine($"  torch      b1 {o.TorchB1,7:F1} tok/s   b{k} {o.TorchBk,7:F1} tok/s (K samples of one prompt)");
                Console.Error.WriteLine($"  llama.cpp  b1 {o.LlamaB1,7:F1} tok/s   b{k} {o.LlamaBk,7:F1} tok/s");
            }
            Console.Error.WriteLine($"  infer stage on llama.cpp {stage.Tps,7:F1} tok/s vs llama.cpp batched reference {reference.Tps,7:F1} tok/s " +
                $"({prompts} prompts x K = {k}, {slots} sequences per decode, {stage.Tokens} vs {reference.Tokens} tokens)");
            Console.Error.WriteLine($"  load average now {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores");
            var sides = side is { } b ? string.Create(CultureInfo.InvariantCulture,
                $"torch_b1_tps={b.TorchB1:F2} torch_bk_tps={b.TorchBk:F2} llamacpp_b1_tps={b.LlamaB1:F2} llamacpp_bk_tps={b.LlamaBk:F2} " +
                $"llamacpp_over_torch_b1={b.LlamaB1 / b.TorchB1:F2} llamacpp_over_torch_bk={b.LlamaBk / b.TorchBk:F2} ") : "";
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"shape={shape.Name} k={k} new_tokens={tokens} {sides}stage_tps={stage.Tps:F2} reference_tps={reference.Tps:F2} " +
                $"stage_over_reference={stage.Tps / reference.Tps:F2} load_avg={File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Our TorchSharp engine and llama.cpp on one prompt, at batch 1 (greedy) and K samples (sampled), tokens/s each.</summary>
    static (double TorchB1, double TorchBk, double LlamaB1, double LlamaBk) TorchAndBatchOne(Torch.Loading.StudentModel model, LlamaCppModel llama,
        IReadOnlyList<int> prompt, int tokens, int k, CancellationToken ct)
    {
        var torch = new TextGenerator(model);
        var greedy = new GenerationOptions { MaxNewTokens = tokens, MaxBatchSize = k };
        var sampled = greedy with { Temperature = 0.8f, Seed = 1, SamplesPerPrompt = k };
        var request = new LlamaCppRequest(tokens, new LlamaCppSampling());
        torch.Generate([prompt], greedy with { MaxNewTokens = 2 }, ct: ct); // warm-up
        var torchB1 = Measure(() => torch.Generate([prompt], greedy, ct: ct).Sum(r => r.CompletionTokens));
        var torchBk = Measure(() => torch.Generate([prompt], sampled, ct: ct).Sum(r => r.CompletionTokens));
        using var one = new LlamaCppGenerator(llama, prompt.Count + tokens + 1, 1);
        using var many = new LlamaCppGenerator(llama, prompt.Count + tokens + 1, k);
        one.Generate([prompt], request with { MaxNewTokens = 2 }, ct: ct);
        var llamaB1 = Measure(() => one.Generate([prompt], request, ct: ct).Sum(c => c.Tokens.Count)).Tps;
        var llamaBk = Measure(() => many.Generate(Enumerable.Repeat(prompt, k).ToList(),
            request with { Sampling = new LlamaCppSampling(0.8f, Seed: 1) }, ct: ct).Sum(c => c.Tokens.Count)).Tps;
        return (torchB1.Tps, torchBk.Tps, llamaB1, llamaBk);
    }

    /// <summary>llama.cpp's plain batched generation: K copies of each prompt, <paramref name="slots"/> sequences per context, chunk after chunk.</summary>
    static int Reference(LlamaCppModel llama, IReadOnlyList<IReadOnlyList<int>> ids, int k, int slots, int tokens, CancellationToken ct)
    {
        var sequences = ids.SelectMany(p => Enumerable.Repeat(p, k)).ToList();
        using var generator = new LlamaCppGenerator(llama, ids.Max(p => p.Count) + tokens + 1, slots);
        int total = 0;
        for (int i = 0; i < sequences.Count; i += slots)
            total += generator.Generate(sequences.Skip(i).Take(slots).ToList(), new LlamaCppRequest(tokens, new LlamaCppSampling(0.8f, Seed: 1 + i)), ct: ct)
                .Sum(c => c.Tokens.Count);
        return total;
    }

    /// <summary>A LoRA r8 on q, k, v, o with random B (a fresh B is zero and would cost llama.cpp nothing to skip), as an adapter GGUF.</summary>
    static string AttachAdapter(Torch.Loading.StudentModel model, string dir)
    {
        var settings = new LoraSettings { Rank = 8, Alpha = 16, Dropout = 0, Targets = ["q_proj", "k_proj", "v_proj", "o_proj"] };
        var generator = new Generator(7);
        var adapters = LoraModel.Attach(model.Module, settings, init: generator);
        using (no_grad())
            foreach (var (_, layer) in adapters) layer.B.copy_(randn(layer.B.shape, generator: generator).mul_(0.02));
        model.Module.eval();
        var peft = Path.Combine(dir, "adapter");
        LoraModel.SaveAdapter(model.Module, peft, settings, baseModel: null);
        var gguf = Path.Combine(dir, "adapter.gguf");
        LoraGgufExport.Export(peft, model.Config, gguf);
        return gguf;
    }

    static (double Tps, int Tokens) Measure(Func<int> run)
    {
        var clock = Stopwatch.StartNew();
        int tokens = run();
        return (tokens / clock.Elapsed.TotalSeconds, tokens);
    }
}
