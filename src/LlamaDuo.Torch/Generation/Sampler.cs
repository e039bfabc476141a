using static TorchSharp.torch;

namespace LlamaDuo.Torch.Generation;

/// <summary>Picks next tokens from logits: greedy, or temperature with top-k and top-p filtering.</summary>
internal static class Sampler
{
    /// <summary>
    /// Next token per row from <paramref name="logits"/> [R, V]. <paramref name="generators"/> holds one generator per
    /// row (used only when sampling).
    /// </summary>
    public static long[] Next(Tensor logits, GenerationOptions o, IReadOnlyList<Generator> generators)
    {
        using var scope = NewDisposeScope();
        var rows = (int)logits.shape[0];
        if (o.Temperature <= 0)
            return logits.argmax(-1).data<long>().ToArray();                        // [R]

        var scaled = logits.to(ScalarType.Float32) / o.Temperature;                // [R, V]
        if (o.TopK > 0 && o.TopK < scaled.shape[1])
        {
            var (values, _) = scaled.topk(o.TopK, dim: -1);                        // [R, k]
            var kth = values[.., ^1..];                                            // [R, 1]
            scaled = scaled.masked_fill(scaled.lt(kth), float.NegativeInfinity);
        }
        if (o.TopP < 1f)
        {
            var (sorted, order) = scaled.sort(-1, descending: true);               // [R, V]
            var probs = sorted.softmax(-1);
            var before = probs.cumsum(-1) - probs;                                 // mass strictly above each token
            var drop = before.gt(o.TopP);                                          // always keeps the top token
            var dropInVocabOrder = zeros_like(drop).scatter_(-1, order, drop);
            scaled = scaled.masked_fill(dropInVocabOrder, float.NegativeInfinity);
        }
        var p = scaled.softmax(-1);                                                // [R, V]
        var next = new long[rows];
        for (var r = 0; r < rows; r++)
            next[r] = multinomial(p[r], 1, generator: generators[r]).item<long>();
        return next;
    }
}
