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
/// picked (at most 32000 x 1e-12 of the mass), which keeps the sort for top-k/top-p to the plausible candidates.
/// </remarks>
public sealed record LlamaCppSampling(float Temperature = 0f, float TopP = 1f, int TopK = 0, int? Seed = null)
{
    const double Floor = 1e-12;

    /// <summary>Picks one token from <paramref name="logits"/>.</summary>
    public int Pick(ReadOnlySpan<float> logits, Random random)
    {
        if (Temperature <= 0) return ArgMax(logits);
        float best = logits[ArgMax(logits)];
        var weights = new double[logits.Length];
        var candidates = new List<int>();
        for (int i = 0; i < logits.Length; i++)
        {
            double w = Math.Exp((logits[i] - best) / (double)Temperature);
            if (w < Floor) continue;
            weights[i] = w;
            candidates.Add(i);
        }
        if (TopK > 0 && TopK < candidates.Count || TopP < 1) Truncate(logits, weights, candidates);

        double total = 0;
        foreach (var w in weights) total += w;
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

    /// <summary>Zeroes the weights of candidates outside the top-k and then outside the top-p nucleus.</summary>
    void Truncate(ReadOnlySpan<float> logits, double[] weights, List<int> candidates)
    {
        var order = candidates.ToArray();
        var keys = new float[order.Length];
        for (int r = 0; r < order.Length; r++) keys[r] = -logits[order[r]];
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
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
