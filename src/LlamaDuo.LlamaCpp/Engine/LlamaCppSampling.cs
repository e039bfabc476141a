namespace LlamaDuo.LlamaCpp.Engine;

/// <summary>
/// How the next token is picked: greedy when <see cref="Temperature"/> is 0, else sampled from the softmax of
/// logits / temperature restricted to the <see cref="TopK"/> best (0 = all) and then to the smallest set whose
/// probability reaches <see cref="TopP"/>. The same <see cref="Seed"/> gives the same tokens.
/// </summary>
public sealed record LlamaCppSampling(float Temperature = 0f, float TopP = 1f, int TopK = 0, int? Seed = null)
{
    /// <summary>Picks one token from <paramref name="logits"/>.</summary>
    public int Pick(ReadOnlySpan<float> logits, Random random)
    {
        if (Temperature <= 0) return ArgMax(logits);
        var order = Enumerable.Range(0, logits.Length).ToArray();
        var keys = logits.ToArray();
        Array.Sort(keys, order);                // ascending
        Array.Reverse(order);
        Array.Reverse(keys);
        int keep = TopK > 0 ? Math.Min(TopK, keys.Length) : keys.Length;
        var probs = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) sum += probs[i] = Math.Exp((keys[i] - keys[0]) / Temperature);
        double cumulative = 0;
        int nucleus = keep;
        for (int i = 0; i < keep; i++)
        {
            cumulative += probs[i] / sum;
            if (cumulative >= TopP) { nucleus = i + 1; break; }
        }
        double total = probs.Take(nucleus).Sum(), draw = random.NextDouble() * total;
        for (int i = 0; i < nucleus; i++)
        {
            draw -= probs[i];
            if (draw <= 0) return order[i];
        }
        return order[nucleus - 1];
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
