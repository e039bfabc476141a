using LlamaDuo.Service.Judge;

namespace LlamaDuo.Pipeline.Config;

/// <summary>
/// The <c>judge</c> section: the LLM judge's own options (M judge calls per candidate, paper: M = 10, and their
/// temperature) plus which metrics run and the pass rule.
/// </summary>
public sealed record JudgeOptions : LlmJudgeOptions
{
    /// <summary>Metrics to compute; the pass rule reads the first one.</summary>
    public IReadOnlyList<JudgeMetric> Metrics { get; init; } = [JudgeMetric.Llm];

    /// <summary>When a round passes.</summary>
    public PassRule Pass { get; init; } = new();

    /// <summary>Optional second judge; null for none.</summary>
    public SecondJudgeOptions? SecondJudge { get; init; }
}
