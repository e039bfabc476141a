namespace LlamaDuo.Service.Judge;

/// <summary>
/// One metric over a run's scored rows: mean, median, sample standard deviation, a t-based 95% confidence interval
/// for the mean, and coverage (percent of rows whose score reaches <see cref="Threshold"/>). All NaN-free: with no
/// rows everything is 0; with one row the interval collapses to the mean.
/// </summary>
public sealed record ScoreSummary(int Count, double Mean, double Median, double StdDev, double CiLow, double CiHigh, double Threshold, double CoveragePercent)
{
    /// <summary>Summarises <paramref name="scores"/>, coverage counted at <paramref name="threshold"/>.</summary>
    public static ScoreSummary From(IEnumerable<double> scores, double threshold, double confidence = 0.95)
    {
        var x = scores.OrderBy(v => v).ToArray();
        int n = x.Length;
        if (n == 0) return new ScoreSummary(0, 0, 0, 0, 0, 0, threshold, 0);
        double mean = x.Average();
        double median = n % 2 == 1 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
        double sd = n > 1 ? Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (n - 1)) : 0;
        double half = n > 1 ? StudentT.Critical(confidence, n - 1) * sd / Math.Sqrt(n) : 0;
        double coverage = 100.0 * x.Count(v => v >= threshold) / n;
        return new ScoreSummary(n, mean, median, sd, mean - half, mean + half, threshold, coverage);
    }
}
