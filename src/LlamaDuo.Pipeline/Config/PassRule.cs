namespace LlamaDuo.Pipeline.Config;

/// <summary>
/// The <c>judge.pass</c> section: when a round's student is good enough. The reference code passes at mean
/// similarity and mean precision of at least 90.
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

    /// <summary>Least coverage percent to pass; 0 leaves coverage out of the rule.</summary>
    public double MinCoverage { get; init; } = 0;
}
