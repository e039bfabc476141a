namespace LlamaDuo.Service.Judge;

/// <summary>
/// When a student passes. Every bound that is set must hold. Paper default: mean similarity &gt;= 90 and mean
/// precision &gt;= 90. Coverage bounds use the run's per-row threshold (e.g. "80% of rows score &gt;= 90").
/// Too many unscored rows fail the run: a judge that could not read the answers has not approved them.
/// </summary>
public sealed record PassRule
{
    public double? MinMeanSimilarity { get; init; } = 90;
    public double? MinMeanPrecision { get; init; } = 90;
    public double? MinSimilarityCoverage { get; init; }
    public double? MinPrecisionCoverage { get; init; }

    /// <summary>Largest share (0-1) of rows left unscored (diagnosed) that still allows a pass.</summary>
    public double MaxUnscoredFraction { get; init; } = 0.1;

    /// <summary>The paper's rule.</summary>
    public static PassRule PaperDefault { get; } = new();

    /// <summary>Applies the rule to run-level figures.</summary>
    public PassDecision Evaluate(ScoreSummary similarity, ScoreSummary precision, int rows, int unscored)
    {
        var failures = new List<string>();
        if (rows == 0 || similarity.Count == 0) failures.Add("no scored rows");
        Check(failures, "mean similarity", similarity.Mean, MinMeanSimilarity);
        Check(failures, "mean precision", precision.Mean, MinMeanPrecision);
        Check(failures, $"similarity coverage at {similarity.Threshold}", similarity.CoveragePercent, MinSimilarityCoverage);
        Check(failures, $"precision coverage at {precision.Threshold}", precision.CoveragePercent, MinPrecisionCoverage);
        if (rows > 0 && (double)unscored / rows > MaxUnscoredFraction)
            failures.Add($"{unscored} of {rows} rows unscored > {MaxUnscoredFraction:P0}");
        return new PassDecision(failures.Count == 0, failures);
    }

    /// <summary>Whether one row passes: its scores reach the per-row threshold on both metrics.</summary>
    public static bool RowPasses(JudgedRow row, double threshold) =>
        row.Scored && row.Similarity >= threshold && row.Precision >= threshold;

    static void Check(List<string> failures, string what, double value, double? min)
    {
        if (min is not null && value < min) failures.Add($"{what} {DecisionFigure.Format(value, min)} < {DecisionFigure.Format(min.Value, null)}");
    }
}
