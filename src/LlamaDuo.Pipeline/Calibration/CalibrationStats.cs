using LlamaDuo.Service.Judge;

namespace LlamaDuo.Pipeline.Calibration;

/// <summary>
/// The statistics a calibration reports, written out: Spearman's rho (Pearson on average ranks, so ties share a
/// rank), Kendall's tau-b (ties corrected), Cohen's kappa (agreement beyond chance on pass/fail), and a mean with its
/// two-sided 95% Student-t interval. NaN where the figure is undefined (fewer than 2 pairs, no spread).
/// </summary>
internal static class CalibrationStats
{
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => Pearson(Ranks(x), Ranks(y));

    public static double KendallTauB(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        long concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
        for (int i = 0; i < x.Count; i++)
            for (int j = i + 1; j < x.Count; j++)
            {
                int sx = Math.Sign(x[i] - x[j]), sy = Math.Sign(y[i] - y[j]);
                if (sx == 0 && sy == 0) continue;
                if (sx == 0) tiesX++;
                else if (sy == 0) tiesY++;
                else if (sx == sy) concordant++;
                else discordant++;
            }
        double denominator = Math.Sqrt((double)(concordant + discordant + tiesX) * (concordant + discordant + tiesY));
        return denominator == 0 ? double.NaN : (concordant - discordant) / denominator;
    }

    /// <summary>Cohen's kappa of two pass/fail raters: (observed - chance agreement) / (1 - chance agreement).</summary>
    public static double CohenKappa(IReadOnlyList<bool> a, IReadOnlyList<bool> b)
    {
        int n = a.Count;
        if (n == 0) return double.NaN;
        double observed = a.Zip(b).Count(p => p.First == p.Second) / (double)n;
        double pa = a.Count(v => v) / (double)n, pb = b.Count(v => v) / (double)n;
        double chance = pa * pb + (1 - pa) * (1 - pb);
        return chance >= 1 ? double.NaN : (observed - chance) / (1 - chance);
    }

    /// <summary>Mean and its 95% confidence interval (Student's t with n-1 degrees of freedom).</summary>
    public static (double Mean, double Low, double High) MeanWithCi(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return (double.NaN, double.NaN, double.NaN);
        double mean = values.Average();
        if (values.Count < 2) return (mean, double.NaN, double.NaN);
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        double half = StudentT.Critical(0.95, values.Count - 1) * sd / Math.Sqrt(values.Count);
        return (mean, mean - half, mean + half);
    }

    static double Pearson(double[] x, double[] y)
    {
        if (x.Length < 2) return double.NaN;
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>1-based ranks, ties given the average of the ranks they span.</summary>
    static double[] Ranks(IReadOnlyList<double> v)
    {
        var order = Enumerable.Range(0, v.Count).OrderBy(i => v[i]).ToArray();
        var ranks = new double[v.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && v[order[j + 1]] == v[order[i]]) j++;
            for (int k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        return ranks;
    }
}
