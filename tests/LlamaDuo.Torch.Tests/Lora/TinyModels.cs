using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Lora;

/// <summary>Small random Llama models (N(0, 0.02) init) for fast numerical tests of LoRA and the trainer.</summary>
internal static class TinyModels
{
    public static LlamaConfig Config(bool tied = false, bool bias = true, int intermediate = 64) => new()
    {
        HiddenSize = 32, IntermediateSize = intermediate, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        VocabSize = 61, MaxPositionEmbeddings = 64, TieWordEmbeddings = tied, AttentionBias = bias, EosTokenIds = [2], BosTokenId = 1,
    };

    public static LlamaForCausalLM Create(long seed = 7, bool tied = false, bool bias = true, int intermediate = 64)
    {
        var model = new LlamaForCausalLM(Config(tied, bias, intermediate));
        model.InitRandom(seed);
        model.eval();
        return model;
    }

    public static Tensor Ids(long seed = 3, int batch = 2, int length = 9)
    {
        var gen = new Generator((ulong)seed);
        return randint(3, 61, [batch, length], generator: gen, dtype: ScalarType.Int64);
    }

    /// <summary>Gives every B a non-zero value so the adapter changes the output.</summary>
    public static void Perturb(IEnumerable<TorchSharp.Modules.Parameter> parameters, long seed)
    {
        using var _ = no_grad();
        var gen = new Generator((ulong)seed);
        foreach (var p in parameters) p.normal_(0, 0.05, gen);
    }

    /// <summary>Bitwise equality of two tensors (same shape, every element equal).</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
