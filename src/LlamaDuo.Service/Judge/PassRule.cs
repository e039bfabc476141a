using LlamaDuo.Core.Options;

namespace LlamaDuo.Service.Judge;

/// <summary>
/// When a student passes, and the config's <c>judge.pass</c> section. The reference code passes at mean similarity
/// and mean precision of at least 90. Coverage is the share of rows whose score reaches
/// <see cref="CoverageThreshold"/> on that metric; a coverage bound applies to both metrics. Too many unscored rows
/// fail the run: a judge that could not read the answers has not approved them.
/// </summary>
public sealed record PassRule
{
    /// <summary>Which statistic of the per-row scores is compared: mean or median.</summary>
    public string Statistic { get; init; } = "mean";

    /// <summary>Least similarity score (1-100) to pass.</summary>
    public double MinSimilarity { get; init; } = 90;

    /// <summary>Least precision score (1-100) to pass.</summary>
    public double MinPrecision { get; init; } = 90;

    /// <summary>Per-row score at or above which a test prompt counts as covered.</summary>
    public double CoverageThreshold { get; init; } = 80;

    /// <summary>Least coverage percent to pass, on both metrics; 0 leaves coverage out of the rule.</summary>
    public double MinCoverage { get; init; } = 0;

    /// <summary>Largest share (0-1) of rows left unscored (diagnosed) that still allows a pass.</summary>
    [NotInConfig] public double MaxUnscoredFraction { get; init; } = 0.1;

    /// <summary>The paper's rule (the defaults).</summary>
    public static PassRule PaperDefault { get; } = new();

    bool ByMedian => string.Equals(Statistic, "median", StringComparison.OrdinalIgnoreCase);

    /// <summary>Applies the rule to run-level figures.</summary>
    public PassDecision Evaluate(ScoreSummary similarity, ScoreSummary precision, int rows, int unscored)
    {
        var failures = new List<string>();
        if (rows == 0 || similarity.Count == 0) failures.Add("no scored rows");
        var statistic = ByMedian ? "median" : "mean";
        Check(failures, $"{statistic} similarity", ByMedian ? similarity.Median : similarity.Mean, MinSimilarity);
        Check(failures, $"{statistic} precision", ByMedian ? precision.Median : precision.Mean, MinPrecision);
        if (MinCoverage > 0)
        {
            Check(failures, $"similarity coverage at {similarity.Threshold}", similarity.CoveragePercent, MinCoverage);
            Check(failures, $"precision coverage at {precision.Threshold}", precision.CoveragePercent, MinCoverage);
        }
        if (rows > 0 && (double)unscored / rows > MaxUnscoredFraction)
            failures.Add($"{unscored} of {rows} rows unscored > {MaxUnscoredFraction:P0}");
        return new PassDecision(failures.Count == 0, failures);
    }

    /// <summary>Whether one row passes: its scores reach the per-row threshold on both metrics.</summary>
    public static bool RowPasses(JudgedRow row, double threshold) =>
        row.Scored && row.Similarity >= threshold && row.Precision >= threshold;

    static void Check(List<string> failures, string what, double value, double min)
    {
        if (value < min) failures.Add($"{what} {DecisionFigure.Format(value, min)} < {DecisionFigure.Format(min, null)}");
    }
}
