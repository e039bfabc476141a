using System.Buffers;
using System.Numerics.Tensors;

namespace LlamaDuo.LlamaCpp.Engine;

/// <summary>
/// How the next token is picked: greedy when <see cref="Temperature"/> is 0, else sampled from the softmax of
/// logits / temperature restricted to the <see cref="TopK"/> best (0 = all) and then to the smallest set whose
/// probability reaches <see cref="TopP"/>. The same <see cref="Seed"/> gives the same tokens.
/// </summary>
/// <remarks>
/// The draw walks the kept tokens in id order, not in probability order. Logits of one sequence differ in the last
/// digits (~1e-5) depending on which other sequences share its llama.cpp batch; walking in probability order would let
/// such a difference swap two near-equal tokens and change the pick whenever the draw lands on either, while in id
/// order it moves the boundaries by ~1e-5 of the mass, so a seeded request picks the same tokens batched or alone
/// except with a probability of that order per token. Tokens below 1e-12 of the best one's probability are never
/// picked (at most 152K x 1e-12 of the mass), which keeps the sort for top-k/top-p to the plausible candidates.
/// <para>
/// The weights exp((logit - best) / T) are computed over the whole vocabulary in one vectorised pass into a pooled
/// buffer: with a 152K-word vocabulary (Qwen2.5) a pick costs 0.39 ms instead of the 1.91 ms (both measured warm) of
/// a scalar double-precision loop with a fresh array per token.
/// </para>
/// </remarks>
public sealed record LlamaCppSampling(float Temperature = 0f, float TopP = 1f, int TopK = 0, int? Seed = null)
{
    const float Floor = 1e-12f;

    /// <summary>Picks one token from <paramref name="logits"/>.</summary>
    public int Pick(ReadOnlySpan<float> logits, Random random)
    {
        if (Temperature <= 0) return ArgMax(logits);
        var buffer = ArrayPool<float>.Shared.Rent(logits.Length);
        try
        {
            var weights = buffer.AsSpan(0, logits.Length);
            float best = TensorPrimitives.Max(logits);
            float inverse = 1f / Temperature;
            TensorPrimitives.Subtract(logits, best, weights);
            TensorPrimitives.Multiply(weights, inverse, weights);                    // (logit - best) / T
            TensorPrimitives.Exp(weights, weights);                                  // in (0, 1], the best token 1

            double total = 0;
            int candidates = 0;
            for (int i = 0; i < weights.Length; i++)
            {
                if (weights[i] < Floor) { weights[i] = 0; continue; }
                total += weights[i];
                candidates++;
            }
            if (TopK > 0 && TopK < candidates || TopP < 1) total = Truncate(logits, weights, candidates);

            double draw = random.NextDouble() * total;
            int last = 0;
            for (int i = 0; i < weights.Length; i++)
            {
                if (weights[i] == 0) continue;
                last = i;
                draw -= weights[i];
                if (draw <= 0) return i;
            }
            return last;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>Zeroes the weights of candidates outside the top-k and then outside the top-p nucleus; returns the kept mass.</summary>
    double Truncate(ReadOnlySpan<float> logits, Span<float> weights, int candidates)
    {
        var order = new int[candidates];
        var keys = new float[candidates];
        for (int i = 0, r = 0; i < weights.Length; i++)
            if (weights[i] > 0) { order[r] = i; keys[r++] = -logits[i]; }
        Array.Sort(keys, order); // best first
        int keep = TopK > 0 ? Math.Min(TopK, order.Length) : order.Length;
        double sum = 0;
        for (int r = 0; r < keep; r++) sum += weights[order[r]];
        double cumulative = 0;
        for (int r = 0; r < keep; r++)
        {
            cumulative += weights[order[r]] / sum;
            if (cumulative >= TopP) { keep = r + 1; break; }
        }
        for (int r = keep; r < order.Length; r++) weights[order[r]] = 0;
        double kept = 0;
        for (int r = 0; r < keep; r++) kept += weights[order[r]];
        return kept;
    }

    /// <summary>The index of the largest logit (the first of equal ones).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits) => TensorPrimitives.IndexOfMax(logits);
}
