namespace LlamaDuo.Service.Dedup;

/// <summary>
/// Bands and rows for MinHash LSH. Two rows with Jaccard similarity s share at least one band with probability
/// P(s) = 1 - (1 - s^r)^b. For a threshold t we pick (b, r) with b*r &lt;= permutations that minimise
/// w_fp * FP + w_fn * FN, where FP = integral of P(s) over [0, t] (pairs below t still compared) and
/// FN = integral of 1 - P(s) over [t, 1] (pairs above t missed). Weighting FN up buys recall with more candidate
/// pairs, which ROUGE-L confirmation then filters.
/// </summary>
public sealed record LshParameters(int Bands, int Rows, double FalsePositiveArea, double FalseNegativeArea)
{
    /// <summary>The (bands, rows) that minimise the weighted error areas for <paramref name="threshold"/>.</summary>
    public static LshParameters Choose(double threshold, int permutations, double falsePositiveWeight = 0.5, double falseNegativeWeight = 0.5)
    {
        if (threshold is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(threshold), "Jaccard threshold must be in (0, 1).");
        LshParameters? best = null;
        double bestError = double.MaxValue;
        for (int b = 1; b <= permutations; b++)
            for (int r = 1; b * r <= permutations; r++)
            {
                double fp = Integrate(s => Probability(s, b, r), 0, threshold);
                double fn = Integrate(s => 1 - Probability(s, b, r), threshold, 1);
                double error = falsePositiveWeight * fp + falseNegativeWeight * fn;
                if (error < bestError) { bestError = error; best = new LshParameters(b, r, fp, fn); }
            }
        return best!;
    }

    /// <summary>Probability that a pair with Jaccard <paramref name="s"/> becomes a candidate.</summary>
    public static double Probability(double s, int bands, int rows) => 1 - Math.Pow(1 - Math.Pow(s, rows), bands);

    static double Integrate(Func<double, double> f, double a, double b, int steps = 200)
    {
        double h = (b - a) / steps, sum = (f(a) + f(b)) / 2;
        for (int i = 1; i < steps; i++) sum += f(a + i * h);
        return sum * h;
    }
}
