using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Tests.Support;
using LlamaDuo.Torch.Model;

namespace LlamaDuo.LlamaCpp.Tests.Engine;

/// <summary>
/// Small random models covering each architecture feature, exported to GGUF and run in llama.cpp, against a plain
/// fp64 reference forward pass over the same Hugging Face-layout weights.
/// </summary>
public sealed class RandomConfigParityTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-gguf-").FullName;

    static LlamaConfig Base => new()
    {
        ModelType = "llama", HiddenSize = 64, IntermediateSize = 96, NumHiddenLayers = 2, NumAttentionHeads = 4,
        NumKeyValueHeads = 4, VocabSize = 320, MaxPositionEmbeddings = 128, RmsNormEps = 1e-5,
    };

    public static TheoryData<string> Features => ["plain", "gqa", "qwen2-bias", "tied", "rope-theta", "llama3-scaling"];

    static LlamaConfig ConfigFor(string feature) => feature switch
    {
        "plain" => Base,
        "gqa" => Base with { NumKeyValueHeads = 2 },
        "qwen2-bias" => Base with { ModelType = "qwen2", AttentionBias = true, NumKeyValueHeads = 2, RmsNormEps = 1e-6 },
        "tied" => Base with { TieWordEmbeddings = true },
        "rope-theta" => Base with { RopeTheta = 500000 },
        // Original context 16 so that the smooth band falls inside this model's 16 frequencies.
        "llama3-scaling" => Base with { RopeTheta = 10000, RopeScaling = new RopeScaling(8, 1, 4, 16), NumKeyValueHeads = 2 },
        _ => throw new ArgumentException(feature),
    };

    [Theory]
    [MemberData(nameof(Features))]
    public void Llama_cpp_logits_match_reference_for_each_architecture_feature(string feature)
    {
        var model = TinyLlama.Random(ConfigFor(feature), seed: 7);
        var path = Path.Combine(_dir, feature + ".gguf");
        LlamaGgufConverter.Export(path, model.Config, "tiny-" + feature, SyntheticVocabulary.Llama(model.Config.VocabSize), model.NamedWeights, GgufQuant.F32);
        int[] tokens = [1, 300, 17, 42, 260, 99, 5, 311, 64, 270, 128, 3, 290, 77, 201, 150, 33, 280, 12, 305];

        using var llama = LlamaCppModel.Load(path);
        var actual = llama.EvaluateLogits(tokens);
        var expected = ReferenceLlama.Logits(model, tokens);

        double maxDiff = LogitComparison.MaxAbsDiff(expected, actual);
        // Measured: 7e-7..4e-6 (fp32 weights and KV cache, flash attention off).
        Console.WriteLine($"{feature}: max |logit diff| {maxDiff:g3}");
        Assert.True(maxDiff < 1e-4, $"{feature}: max |logit diff| {maxDiff:g3}");
        Assert.Equal(LogitComparison.ArgMax(expected), LogitComparison.ArgMax(actual));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
