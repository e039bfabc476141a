namespace LlamaDuo.Service.Judge;

/// <summary>How a judging stage runs over its rows and how the run is summarised.</summary>
public sealed record JudgeRunOptions
{
    /// <summary>Rows judged at once (each LLM row runs its own rounds, gated by the judge's call limit).</summary>
    public int MaxConcurrentRows { get; init; } = 8;

    /// <summary>The rule that decides the run; its coverage threshold is the per-row score the summaries count coverage at.</summary>
    public PassRule PassRule { get; init; } = PassRule.PaperDefault;
}
