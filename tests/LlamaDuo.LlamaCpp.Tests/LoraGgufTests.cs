using LlamaDuo.Core.Errors;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Gguf;
using LlamaDuo.LlamaCpp.Tests.Support;
using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Loading;
using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Model;
using static TorchSharp.torch;

namespace LlamaDuo.LlamaCpp.Tests;

/// <summary>
/// PEFT adapters written as llama.cpp LoRA GGUFs and applied by llama.cpp at run time on top of the base GGUF, against
/// our TorchSharp model carrying the same adapter (not merged).
/// </summary>
[Collection(Stories15MCollection.Name)]
public sealed class LoraGgufTests(Stories15MFixture fixture) : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-lora-gguf-").FullName;

    [Fact]
    public void Stories15M_with_a_lora_gguf_on_llama_cpp_gives_the_logits_of_our_model_with_the_adapter()
    {
        using var student = ModelLoader.Load("stories15m");
        var settings = new LoraSettings { Rank = 4, Alpha = 8, Dropout = 0, Targets = ["q_proj", "k_proj", "v_proj", "o_proj"] };
        var adapterDir = AttachRandomAdapter(student.Module, settings, seed: 11);
        var adapterGguf = Path.Combine(_dir, "stories-lora.gguf");
        LoraGgufExport.Export(adapterDir, student.Config, adapterGguf);

        var tokens = student.Tokenizer.Encode("Once upon a time, Tom and his dog went to the park. They", addBos: true);
        var expected = TorchReference.Logits(student, tokens);
        using var plain = LlamaCppModel.Load(fixture.GgufPath(GgufQuant.F32));
        using var adapted = LlamaCppModel.Load(fixture.GgufPath(GgufQuant.F32), adapterGguf);
        var withAdapter = adapted.EvaluateLogits(tokens);
        var withoutAdapter = plain.EvaluateLogits(tokens);

        double diff = LogitComparison.MaxAbsDiff(expected, withAdapter), change = LogitComparison.MaxAbsDiff(expected, withoutAdapter);
        Console.WriteLine($"stories15M + LoRA r4 q,k,v,o: max |logit diff| vs torch {diff:g3}; the adapter moves logits by up to {change:g3}");
        Assert.True(change > 0.5, $"the adapter barely changes the logits ({change:g3}), so this test could not see it applied");
        Assert.True(diff < 1e-3, $"llama.cpp with the adapter GGUF vs torch with the adapter: max |logit diff| {diff:g3}");
        Assert.Equal(LogitComparison.ArgMax(expected), LogitComparison.ArgMax(withAdapter));
    }

    [Theory]
    [InlineData("llama")]   // GQA, q/k rows of B reordered for llama.cpp's RoPE
    [InlineData("qwen2")]   // GQA with biases, no reordering
    public void Tiny_gqa_model_with_an_adapter_on_every_projection_matches_our_model(string modelType)
    {
        var config = new LlamaConfig
        {
            ModelType = modelType, AttentionBias = modelType == "qwen2", HiddenSize = 64, IntermediateSize = 96, NumHiddenLayers = 2,
            NumAttentionHeads = 4, NumKeyValueHeads = 2, VocabSize = 320, MaxPositionEmbeddings = 128, RmsNormEps = 1e-5,
        };
        var tiny = TinyLlama.Random(config, seed: 5);
        var baseGguf = Path.Combine(_dir, modelType + ".gguf");
        LlamaGgufConverter.Export(baseGguf, config, "tiny", SyntheticVocabulary.Llama(config.VocabSize), tiny.NamedWeights, GgufQuant.F32);
        using var torch = TorchTiny.Build(tiny);
        var adapterDir = AttachRandomAdapter(torch, new LoraSettings { Rank = 4, Alpha = 4, Dropout = 0, Targets = LoraSettings.AllTargets }, seed: 3);
        var adapterGguf = Path.Combine(_dir, modelType + "-lora.gguf");
        LoraGgufExport.Export(adapterDir, config, adapterGguf);

        int[] tokens = [1, 300, 17, 42, 260, 99, 5, 311, 64, 270, 128, 3, 290, 77, 201, 150];
        using var llama = LlamaCppModel.Load(baseGguf, adapterGguf);
        double diff = LogitComparison.MaxAbsDiff(TorchTiny.Logits(torch, tokens), llama.EvaluateLogits(tokens));
        using var plain = LlamaCppModel.Load(baseGguf);
        double change = LogitComparison.MaxAbsDiff(TorchTiny.Logits(torch, tokens), plain.EvaluateLogits(tokens));
        Console.WriteLine($"tiny {modelType} + LoRA on all 7 projections: max |logit diff| {diff:g3}, adapter effect {change:g3}");
        Assert.True(change > 0.1, $"the adapter barely changes the logits ({change:g3})");
        Assert.True(diff < 1e-4, $"max |logit diff| {diff:g3}");
    }

    [Fact]
    public void Greedy_generation_with_the_adapter_gguf_on_the_base_gguf_equals_the_merged_models_token_for_token()
    {
        using var student = ModelLoader.Load("stories15m");
        var settings = new LoraSettings { Rank = 8, Alpha = 16, Dropout = 0, Targets = LoraSettings.AllTargets };
        var adapterDir = AttachRandomAdapter(student.Module, settings, seed: 23);
        var adapterGguf = Path.Combine(_dir, "stories-all-lora.gguf");
        LoraGgufExport.Export(adapterDir, student.Config, adapterGguf);
        LoraModel.Merge(student.Module);
        var mergedGguf = Path.Combine(_dir, "stories-merged.gguf");
        StudentModelExport.ToGguf(student, mergedGguf, GgufQuant.F32);

        using var adapted = LlamaCppModel.Load(fixture.GgufPath(GgufQuant.F32), adapterGguf);
        using var merged = LlamaCppModel.Load(mergedGguf);
        using var plain = LlamaCppModel.Load(fixture.GgufPath(GgufQuant.F32));
        var greedy = new LlamaCppRequest(48, new LlamaCppSampling());
        string[] prompts = ["Once upon a time", "Tom had a red ball", "The sun was shining"];
        var prompt = prompts.Select(p => plain.Tokenize(p, plain.AddsBos)).ToList();
        IReadOnlyList<LlamaCppCompletion> Run(LlamaCppModel model)
        {
            using var generator = new LlamaCppGenerator(model, 128, prompts.Length);
            return generator.Generate(prompt, greedy);
        }
        var viaAdapter = Run(adapted);
        var viaMerge = Run(merged);
        var baseOnly = Run(plain);

        for (int p = 0; p < prompts.Length; p++) Assert.Equal(viaMerge[p].Tokens, viaAdapter[p].Tokens);
        Assert.True(Enumerable.Range(0, prompts.Length).Count(p => !baseOnly[p].Tokens.SequenceEqual(viaAdapter[p].Tokens)) >= 2,
            "the adapter should change the greedy stories, else this test could not tell adapter from base");
    }

    [Fact]
    public void Adapter_gguf_carries_the_metadata_and_tensor_layout_llama_cpp_reads()
    {
        var config = new LlamaConfig
        {
            ModelType = "llama", HiddenSize = 64, IntermediateSize = 96, NumHiddenLayers = 1, NumAttentionHeads = 4,
            NumKeyValueHeads = 2, VocabSize = 320, MaxPositionEmbeddings = 128,
        };
        using var torch = TorchTiny.Build(TinyLlama.Random(config, seed: 1));
        var adapterDir = AttachRandomAdapter(torch, new LoraSettings { Rank = 2, Alpha = 6, Dropout = 0, Targets = ["k_proj"] }, seed: 2);
        var (peft, weights) = LoraGgufExport.Read(adapterDir);
        var (metadata, tensors) = LoraGgufExport.Convert(config, peft, weights);

        Assert.Equal("llama", metadata["general.architecture"]);
        Assert.Equal("adapter", metadata["general.type"]);
        Assert.Equal("lora", metadata["adapter.type"]);
        Assert.Equal(6f, metadata["adapter.lora.alpha"]);
        Assert.Equal(["blk.0.attn_k.weight.lora_a", "blk.0.attn_k.weight.lora_b"], tensors.Select(t => t.Name));
        Assert.Equal([2L, 64], tensors[0].Shape);   // A as PEFT stores it: [r, in]
        Assert.Equal([32L, 2], tensors[1].Shape);   // B: [out = kv heads * head dim, r]
        var b = weights.Single(w => w.Name.EndsWith("lora_B.weight")).Read();
        Assert.Equal(RopeLayout.HalvesToInterleaved(b, heads: 2, headDim: 16), tensors[1].ReadData());
    }

    [Fact]
    public void An_adapter_for_another_model_is_refused_by_the_exporter_and_by_llama_cpp()
    {
        var config = new LlamaConfig
        {
            ModelType = "llama", HiddenSize = 64, IntermediateSize = 96, NumHiddenLayers = 1, NumAttentionHeads = 4,
            NumKeyValueHeads = 4, VocabSize = 320, MaxPositionEmbeddings = 128,
        };
        using var torch = TorchTiny.Build(TinyLlama.Random(config, seed: 1));
        var adapterDir = AttachRandomAdapter(torch, new LoraSettings { Rank = 2, Alpha = 4, Dropout = 0, Targets = ["q_proj"] }, seed: 2);
        var tinyAdapter = Path.Combine(_dir, "tiny-lora.gguf");
        LoraGgufExport.Export(adapterDir, config, tinyAdapter);

        var stories = Path.Combine(_dir, "wrong.gguf");
        Assert.Throws<InputException>(() => LoraGgufExport.Export(adapterDir, fixture.Model.Config, stories));
        Assert.False(File.Exists(stories));
        var e = Assert.Throws<InputException>(() => LlamaCppModel.Load(fixture.GgufPath(GgufQuant.F32), tinyAdapter));
        Assert.Contains("tiny-lora.gguf", e.Message);
    }

    // Attaches fresh adapters, gives B seeded random values (a fresh B is zero, which would hide any layout mistake)
    // and saves them as a PEFT folder.
    string AttachRandomAdapter(LlamaForCausalLM model, LoraSettings settings, int seed)
    {
        var generator = new Generator((ulong)seed);
        var adapters = LoraModel.Attach(model, settings, init: generator);
        using (no_grad())
            foreach (var (_, layer) in adapters.OrderBy(a => a.Key, StringComparer.Ordinal))
                layer.B.copy_(randn(layer.B.shape, generator: generator).mul_(0.05));
        model.eval();
        var dir = Path.Combine(_dir, $"peft-{seed}-{Guid.NewGuid():N}");
        LoraModel.SaveAdapter(model, dir, settings, baseModel: null);
        return dir;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
