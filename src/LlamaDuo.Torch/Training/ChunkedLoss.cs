using LlamaDuo.Torch.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// Cross-entropy at the target positions, <see cref="ChunkRows"/> positions at a time: hidden [N, C] times the head
/// gives logits [chunk, V] that are scored, differentiated and freed before the next chunk, so the [N, V] fp32 logits
/// (and their gradient and log-softmax) never exist at once. At Qwen2.5's 151,936-word vocabulary and 4,096 answer
/// tokens that whole tensor is 2.5 GB, and autograd keeps ~3 of them.
/// </summary>
internal static class ChunkedLoss
{
    /// <summary>Positions per chunk: 256 x 151,936 fp32 logits are 156 MB, and the head GEMM is still full-rate at M = 256.</summary>
    public const int ChunkRows = 256;

    /// <summary>Summed loss over all positions, no gradients (evaluation).</summary>
    public static double Sum(LlamaForCausalLM model, Tensor hidden, Tensor targets, Tensor? head = null, int chunkRows = ChunkRows)
    {
        using var _ = no_grad();
        double sum = 0;
        for (long start = 0; start < hidden.shape[0]; start += chunkRows)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(chunkRows, hidden.shape[0] - start);
            using var loss = ChunkLoss(model, hidden.narrow(0, start, n), targets.narrow(0, start, n), head);
            sum += loss.item<float>();
        }
        return sum;
    }

    /// <summary>
    /// Summed loss over <paramref name="hidden"/> [N, C] (a graph output), back-propagated chunk by chunk with each
    /// chunk's loss multiplied by <paramref name="scale"/>: the head's weight gradient accumulates as usual, and the
    /// gradient reaching <paramref name="hidden"/> is returned ([N, C]) for the caller to pass on. Returns the unscaled sum.
    /// </summary>
    public static (double Sum, Tensor HiddenGrad) Backward(LlamaForCausalLM model, Tensor hidden, Tensor targets, double scale, Tensor? head = null, int chunkRows = ChunkRows)
    {
        using var leaf = hidden.detach().requires_grad_(true);   // [N, C]: the chunks' gradients accumulate in leaf.grad
        double sum = 0;
        for (long start = 0; start < leaf.shape[0]; start += chunkRows)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(chunkRows, leaf.shape[0] - start);
            using var loss = ChunkLoss(model, leaf.narrow(0, start, n), targets.narrow(0, start, n), head);
            using var scaled = loss * scale;
            scaled.backward();
            sum += loss.item<float>();
        }
        var grad = leaf.grad ?? zeros_like(leaf);
        return (sum, grad.detach());
    }

    static Tensor ChunkLoss(LlamaForCausalLM model, Tensor hidden, Tensor targets, Tensor? head)
    {
        using var input = hidden.to(head?.dtype ?? model.DType);            // bf16 activations meet an fp32 head unless a bf16 copy is given
        using var logits = head is null ? model.Head(input) : nn.functional.linear(input, head); // [n, V]
        using var logits32 = logits.to(ScalarType.Float32);
        return nn.functional.cross_entropy(logits32, targets, reduction: nn.Reduction.Sum);
    }
}
