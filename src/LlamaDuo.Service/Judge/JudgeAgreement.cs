namespace LlamaDuo.Service.Judge;

/// <summary>
/// How far two judges agree on the same rows (matched by item id, both scored): mean absolute difference and Pearson
/// correlation per metric, the share of rows where both make the same per-row pass decision, and whether the two
/// run-level decisions agree. Pearson is NaN when either judge's scores have no spread.
/// </summary>
public sealed record JudgeAgreement(
    int PairedRows,
    double SimilarityMeanAbsDiff,
    double PrecisionMeanAbsDiff,
    double SimilarityPearson,
    double PrecisionPearson,
    double RowPassAgreement,
    bool RunDecisionAgrees)
{
    /// <summary>Compares <paramref name="a"/> and <paramref name="b"/>; per-row pass at <paramref name="rowThreshold"/>.</summary>
    public static JudgeAgreement Compare(JudgeRunResult a, JudgeRunResult b, double rowThreshold)
    {
        var byId = b.Rows.Where(r => r.Scored).ToDictionary(r => r.Item.Id);
        var pairs = a.Rows.Where(r => r.Scored && byId.ContainsKey(r.Item.Id)).Select(r => (A: r, B: byId[r.Item.Id])).ToList();
        bool runAgrees = a.Decision.Passed == b.Decision.Passed;
        if (pairs.Count == 0) return new JudgeAgreement(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, runAgrees);

        double[] sa = pairs.Select(p => p.A.Similarity!.Value).ToArray(), sb = pairs.Select(p => p.B.Similarity!.Value).ToArray();
        double[] pa = pairs.Select(p => p.A.Precision!.Value).ToArray(), pb = pairs.Select(p => p.B.Precision!.Value).ToArray();
        double passAgree = pairs.Count(p => PassRule.RowPasses(p.A, rowThreshold) == PassRule.RowPasses(p.B, rowThreshold)) / (double)pairs.Count;
        return new JudgeAgreement(pairs.Count, MeanAbsDiff(sa, sb), MeanAbsDiff(pa, pb), Pearson(sa, sb), Pearson(pa, pb), passAgree, runAgrees);
    }

    static double MeanAbsDiff(double[] x, double[] y) => x.Zip(y, (u, v) => Math.Abs(u - v)).Average();

    /// <summary>Pearson's r; NaN when either side is constant (correlation is undefined, not zero).</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}
