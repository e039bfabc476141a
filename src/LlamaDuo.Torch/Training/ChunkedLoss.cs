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
        foreach (var (from, rows, scored) in Chunks(hidden.shape[0], chunkRows))
        {
            using var scope = NewDisposeScope();
            using var loss = ChunkLoss(model, hidden.narrow(0, from, rows), Targets(targets, from, rows, scored), head);
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
        foreach (var (from, rows, scored) in Chunks(leaf.shape[0], chunkRows))
        {
            using var scope = NewDisposeScope();
            using var loss = ChunkLoss(model, leaf.narrow(0, from, rows), Targets(targets, from, rows, scored), head);
            using var scaled = loss * scale;
            scaled.backward();
            sum += loss.item<float>();
        }
        var grad = leaf.grad ?? zeros_like(leaf);
        return (sum, grad.detach());
    }

    /// <summary>
    /// The chunks over <paramref name="count"/> positions: rows [From, From + Rows), of which the last Scored are
    /// scored. Every chunk has <paramref name="chunkRows"/> rows (when there are that many
    /// positions at all): the last reaches back over rows an earlier chunk scored, which it ignores. So the chunks'
    /// logits, log-softmax and gradients ([256, 151,936] fp32 = 156 MB each at the Qwen shape) have one size in every
    /// step, and a kept heap reuses their blocks; a remainder of a different size each step left free blocks too small
    /// for the next one, and the heap grew ~0.3 GB a step (measured over 28 steps).
    /// </summary>
    internal static IEnumerable<(long From, long Rows, long Scored)> Chunks(long count, int chunkRows)
    {
        for (long start = 0; start < count; start += chunkRows)
        {
            var n = Math.Min(chunkRows, count - start);
            if (n == chunkRows || count < chunkRows) yield return (start, n, n);
            else yield return (count - chunkRows, chunkRows, n);
        }
    }

    /// <summary>The targets of a chunk, with the rows it does not score set to cross-entropy's ignore index.</summary>
    static Tensor Targets(Tensor targets, long from, long rows, long scored)
    {
        var chunk = targets.narrow(0, from, rows);
        if (scored == rows) return chunk;
        var masked = chunk.clone();
        masked.narrow(0, 0, rows - scored).fill_(IgnoreIndex);
        return masked;
    }

    /// <summary>cross_entropy's default ignore_index.</summary>
    const long IgnoreIndex = -100;

    static Tensor ChunkLoss(LlamaForCausalLM model, Tensor hidden, Tensor targets, Tensor? head)
    {
        using var input = hidden.to(head?.dtype ?? model.DType);            // bf16 activations meet an fp32 head unless a bf16 copy is given
        using var logits = head is null ? model.Head(input) : nn.functional.linear(input, head); // [n, V]
        using var logits32 = logits.to(ScalarType.Float32);
        return nn.functional.cross_entropy(logits32, targets, ignore_index: IgnoreIndex, reduction: nn.Reduction.Sum);
    }
}
