using LlamaDuo.Models.Model;

namespace LlamaDuo.Torch.Tests.Model;

/// <summary>Small random configurations, one per architecture feature, for fast numerical tests.</summary>
public static class TinyConfigs
{
    public static LlamaConfig Base => new()
    {
        ModelType = "llama", HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4,
        NumKeyValueHeads = 4, VocabSize = 97, MaxPositionEmbeddings = 64, RmsNormEps = 1e-5, RopeTheta = 10000,
        BosTokenId = 1, EosTokenIds = [2],
    };

    public static IEnumerable<object[]> All() => Named().Select(x => new object[] { x.Name });

    public static IEnumerable<(string Name, LlamaConfig Config)> Named() =>
    [
        ("llama2-untied", Base),
        ("gqa", Base with { NumKeyValueHeads = 2 }),
        ("mqa-tied", Base with { NumKeyValueHeads = 1, TieWordEmbeddings = true }),
        ("qwen2-bias-theta", Base with { ModelType = "qwen2", AttentionBias = true, NumKeyValueHeads = 2, RopeTheta = 1_000_000, TieWordEmbeddings = true }),
        ("llama3-scaling", Base with { NumKeyValueHeads = 2, RopeTheta = 500_000, RopeScaling = new RopeScaling(8, 1, 4, 16) }),
        ("mistral", Base with { ModelType = "mistral", NumKeyValueHeads = 2 }),
    ];

    public static LlamaConfig Get(string name) => Named().Single(x => x.Name == name).Config;
}
