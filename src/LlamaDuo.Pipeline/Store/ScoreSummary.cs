namespace LlamaDuo.Pipeline.Store;

/// <summary>
/// Summary of per-row scores (1-100) for one metric in one round: mean, median, standard deviation, a confidence
/// interval of the mean, and coverage (percent of test rows at or above the per-row threshold).
/// </summary>
public sealed record ScoreSummary(int N, double Mean, double Median, double Std, double CiLow, double CiHigh, double Coverage)
{
    /// <summary>
    /// Computes the summary from per-row scores; the interval is mean +- 1.96 standard errors (normal approximation).
    /// </summary>
    public static ScoreSummary From(IReadOnlyList<double> rowScores, double coverageThreshold)
    {
        if (rowScores.Count == 0) return new ScoreSummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var sorted = rowScores.Order().ToArray();
        var n = sorted.Length;
        var mean = sorted.Average();
        var median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        var std = n > 1 ? Math.Sqrt(sorted.Sum(x => (x - mean) * (x - mean)) / (n - 1)) : 0;
        var half = 1.96 * std / Math.Sqrt(n);
        var coverage = 100.0 * sorted.Count(x => x >= coverageThreshold) / n;
        return new ScoreSummary(n, mean, median, std, mean - half, mean + half, coverage);
    }
}
