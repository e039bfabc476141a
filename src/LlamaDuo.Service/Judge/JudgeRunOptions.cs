namespace LlamaDuo.Service.Judge;

/// <summary>How a judging stage runs over its rows and how the run is summarised.</summary>
public sealed record JudgeRunOptions
{
    /// <summary>Per-row score at which a row counts towards coverage (both metrics).</summary>
    public double RowThreshold { get; init; } = 90;

    /// <summary>The rule that decides the run.</summary>
    public PassRule PassRule { get; init; } = PassRule.PaperDefault;
}
