using LlamaDuo.Torch.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Training;

/// <summary>Cross-entropy of a batch's target tokens, with the output head applied only where a target is predicted.</summary>
public static class SftLoss
{
    /// <summary>Sum of the token losses (fp32 scalar); divide by the step's target count to get the mean.</summary>
    public static Tensor Sum(LlamaForCausalLM model, SftBatch batch)
    {
        using var hidden = model.Hidden(batch.InputIds);                    // [B, T, C]
        using var flat = hidden.view(-1, hidden.shape[2]);                   // [B * T, C]
        using var picked = flat.index_select(0, batch.Positions);            // [N, C]
        using var logits = model.Head(picked);                               // [N, V]
        using var logits32 = logits.to(ScalarType.Float32);
        return nn.functional.cross_entropy(logits32, batch.Targets, reduction: nn.Reduction.Sum);
    }
}
