using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Tests.Support;
using LlamaDuo.Models.Model;

namespace LlamaDuo.LlamaCpp.Tests.Engine;

/// <summary>
/// Small random models covering each architecture feature, exported to GGUF and run in llama.cpp, against a plain
/// fp64 reference forward pass and against our TorchSharp model holding the same Hugging Face-layout weights.
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
    public void Llama_cpp_matches_our_torch_model_and_an_fp64_reference_for_each_architecture_feature(string feature)
    {
        var model = TinyLlama.Random(ConfigFor(feature), seed: 7);
        var path = Path.Combine(_dir, feature + ".gguf");
        LlamaGgufConverter.Export(path, model.Config, "tiny-" + feature, SyntheticVocabulary.Llama(model.Config.VocabSize), model.NamedWeights, GgufQuant.F32);
        int[] tokens = [1, 300, 17, 42, 260, 99, 5, 311, 64, 270, 128, 3, 290, 77, 201, 150, 33, 280, 12, 305];

        using var llama = LlamaCppModel.Load(path);
        using var torch = TorchTiny.Build(model);
        var actual = llama.EvaluateLogits(tokens);
        var reference = ReferenceLlama.Logits(model, tokens);
        var ours = TorchTiny.Logits(torch, tokens);

        // Measured: 7e-7..4e-6 against both (fp32 weights and KV cache, flash attention off).
        double vsReference = LogitComparison.MaxAbsDiff(reference, actual), vsTorch = LogitComparison.MaxAbsDiff(ours, actual);
        Console.WriteLine($"{feature}: max |logit diff| llama.cpp vs fp64 {vsReference:g3}, vs torch {vsTorch:g3}");
        Assert.True(vsReference < 1e-4, $"{feature}: llama.cpp vs fp64 reference, max |logit diff| {vsReference:g3}");
        Assert.True(vsTorch < 1e-4, $"{feature}: llama.cpp vs torch, max |logit diff| {vsTorch:g3}");
        Assert.Equal(LogitComparison.ArgMax(reference), LogitComparison.ArgMax(actual));

        using var generator = new LlamaCppGenerator(llama, contextLength: 64);
        var greedy = generator.Generate([tokens[..3]], new LlamaCppRequest(24, new LlamaCppSampling()))[0].Tokens;
        Assert.Equal(TorchTiny.Greedy(torch, tokens[..3], greedy.Count), greedy);
        Assert.True(greedy.Count >= 8, $"{feature}: only {greedy.Count} greedy tokens before end of generation");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
