using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Lora;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// Model FLOPs of a training step, counting what the method actually has to compute (a multiply-add is 2 FLOPs):
/// <list type="bullet">
/// <item>Forward per token: 2 x P (P = the decoder's projection weights) + attention 2 x 2 x L x d x T/2 (scores and
/// weighted sum over a causal context of T/2 on average); the head, 2 x d x V, only at target positions.</item>
/// <item>Full fine-tuning: 3 x forward (backward = grads of activations + grads of weights).</item>
/// <item>LoRA: the frozen base needs its forward and the activation gradients but no weight gradients, so 2 x 2P per
/// token; attention 3x; the adapters 3 x 2 x r x (in + out) per adapted projection; the frozen head 2 x 2dV per target.</item>
/// </list>
/// Embedding lookups, norms, activations and the optimiser are left out (memory-bound, not FLOPs).
/// </summary>
public static class TrainFlops
{
    /// <summary>Weights of all decoder projections (q, k, v, o, gate, up, down over every layer).</summary>
    public static double ProjectionParams(LlamaConfig c) =>
        (double)c.NumHiddenLayers * (2.0 * c.HiddenSize * c.HiddenSize + 2.0 * c.HiddenSize * c.KvDim + 3.0 * c.HiddenSize * c.IntermediateSize);

    /// <summary>Adapter weights: r x (in + out) per target projection per layer.</summary>
    public static double AdapterParams(LlamaConfig c, LoraSettings lora) =>
        c.NumHiddenLayers * lora.Targets.Sum(t => (double)lora.Rank * t switch
        {
            "q_proj" or "o_proj" => 2 * c.HiddenSize,
            "k_proj" or "v_proj" => c.HiddenSize + c.KvDim,
            _ => c.HiddenSize + c.IntermediateSize,
        });

    static double AttentionPerToken(LlamaConfig c, double meanLength) => 2.0 * 2 * c.NumHiddenLayers * c.HiddenSize * meanLength / 2;

    static double HeadPerTarget(LlamaConfig c) => 2.0 * c.HiddenSize * c.VocabSize;

    /// <summary>FLOPs of a full fine-tuning step over <paramref name="tokens"/> tokens (rows of mean length <paramref name="meanLength"/>) with <paramref name="targets"/> scored tokens.</summary>
    public static double Full(LlamaConfig c, long tokens, long targets, double meanLength) =>
        3 * ((2 * ProjectionParams(c) + AttentionPerToken(c, meanLength)) * tokens + HeadPerTarget(c) * targets);

    /// <summary>FLOPs of a LoRA step (see the class summary).</summary>
    public static double Lora(LlamaConfig c, LoraSettings lora, long tokens, long targets, double meanLength) =>
        (2 * 2 * ProjectionParams(c) + 3 * AttentionPerToken(c, meanLength) + 3 * 2 * AdapterParams(c, lora)) * tokens
        + 2 * HeadPerTarget(c) * targets;
}
