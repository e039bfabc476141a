namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>judge</c> section: M judge calls per (prompt, candidate) and the pass rule (paper: M = 10).</summary>
public sealed record JudgeOptions
{
    /// <summary>Judge calls per candidate; the row score is their mean (paper: 10).</summary>
    public int Rounds { get; init; } = 10;

    /// <summary>Sampling temperature of the judge, so the M calls are independent draws.</summary>
    public double Temperature { get; init; } = 0.7;

    /// <summary>Metrics to compute; the pass rule reads the first one.</summary>
    public IReadOnlyList<JudgeMetric> Metrics { get; init; } = [JudgeMetric.Llm];

    /// <summary>When a round passes.</summary>
    public PassRule Pass { get; init; } = new();

    /// <summary>Optional second judge; null for none.</summary>
    public SecondJudgeOptions? SecondJudge { get; init; }
}
