namespace LlamaDuo.Models.Model;

/// <summary>
/// Shapes of published Llama-family models, as their config.json files give them. Used to build small random
/// models of each family in tests and to document what each architecture switch means.
/// </summary>
public static class LlamaPresets
{
    /// <summary>stories15M (llama2.c, Llama 2 architecture, tied classifier).</summary>
    public static LlamaConfig Stories15M => new()
    {
        ModelType = "llama", HiddenSize = 288, IntermediateSize = 768, NumHiddenLayers = 6, NumAttentionHeads = 6,
        NumKeyValueHeads = 6, VocabSize = 32000, RmsNormEps = 1e-5, RopeTheta = 10000, MaxPositionEmbeddings = 256,
        TieWordEmbeddings = true, BosTokenId = 1, EosTokenIds = [2],
    };

    /// <summary>Llama 2 7B: multi-head attention, theta 10^4, 4K context, untied head.</summary>
    public static LlamaConfig Llama2_7B => new()
    {
        ModelType = "llama", HiddenSize = 4096, IntermediateSize = 11008, NumHiddenLayers = 32, NumAttentionHeads = 32,
        NumKeyValueHeads = 32, VocabSize = 32000, RmsNormEps = 1e-5, RopeTheta = 10000, MaxPositionEmbeddings = 4096,
        BosTokenId = 1, EosTokenIds = [2],
    };

    /// <summary>Llama 3.2 1B: GQA 32/8, theta 5*10^5, llama3 rope scaling (factor 32), tied head.</summary>
    public static LlamaConfig Llama32_1B => new()
    {
        ModelType = "llama", HiddenSize = 2048, IntermediateSize = 8192, NumHiddenLayers = 16, NumAttentionHeads = 32,
        NumKeyValueHeads = 8, VocabSize = 128256, RmsNormEps = 1e-5, RopeTheta = 500000, MaxPositionEmbeddings = 131072,
        RopeScaling = new RopeScaling(32, 1, 4, 8192), TieWordEmbeddings = true, BosTokenId = 128000,
        EosTokenIds = [128001, 128008, 128009], TorchDtype = "bfloat16",
    };

    /// <summary>Mistral 7B v0.1: GQA 32/8, theta 10^4 (sliding window ignored).</summary>
    public static LlamaConfig Mistral7B => new()
    {
        ModelType = "mistral", HiddenSize = 4096, IntermediateSize = 14336, NumHiddenLayers = 32, NumAttentionHeads = 32,
        NumKeyValueHeads = 8, VocabSize = 32000, RmsNormEps = 1e-5, RopeTheta = 10000, MaxPositionEmbeddings = 32768,
        BosTokenId = 1, EosTokenIds = [2], TorchDtype = "bfloat16",
    };

    /// <summary>Qwen2.5 0.5B: GQA 14/2, q/k/v biases, theta 10^6, tied head.</summary>
    public static LlamaConfig Qwen25_05B => new()
    {
        ModelType = "qwen2", HiddenSize = 896, IntermediateSize = 4864, NumHiddenLayers = 24, NumAttentionHeads = 14,
        NumKeyValueHeads = 2, VocabSize = 151936, RmsNormEps = 1e-6, RopeTheta = 1000000, MaxPositionEmbeddings = 32768,
        TieWordEmbeddings = true, AttentionBias = true, BosTokenId = 151643, EosTokenIds = [151645], TorchDtype = "bfloat16",
    };

    /// <summary>SmolLM 135M: GQA 9/3, tied head, theta 10^4.</summary>
    public static LlamaConfig SmolLM135M => new()
    {
        ModelType = "llama", HiddenSize = 576, IntermediateSize = 1536, NumHiddenLayers = 30, NumAttentionHeads = 9,
        NumKeyValueHeads = 3, VocabSize = 49152, RmsNormEps = 1e-5, RopeTheta = 10000, MaxPositionEmbeddings = 2048,
        TieWordEmbeddings = true, BosTokenId = 0, EosTokenIds = [0], TorchDtype = "bfloat16",
    };
}
