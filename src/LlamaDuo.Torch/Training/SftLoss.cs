using LlamaDuo.Torch.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Training;

/// <summary>Cross-entropy of a batch's target tokens, with the output head applied only where a target is predicted.</summary>
internal static class SftLoss
{
    /// <summary>Sum of the token losses, without gradients; divide by the target count to get the mean.</summary>
    public static double Sum(LlamaForCausalLM model, SftBatch batch, Tensor? lossHead = null)
    {
        using var scope = NewDisposeScope();
        using var hidden = SftBackward.Hidden(model, batch);                 // [B, T, C]
        using var flat = hidden.view(-1, hidden.shape[2]);                   // [B * T, C]
        using var picked = flat.index_select(0, batch.Positions);            // [N, C]
        return ChunkedLoss.Sum(model, picked, batch.Targets, lossHead);
    }
}
