namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>loop</c> section: train, infer, judge, synthesize until the pass rule holds or a budget runs out.</summary>
public sealed record LoopOptions
{
    /// <summary>Most rounds (round 0 included).</summary>
    public int MaxRounds { get; init; } = 5;

    /// <summary>Spending limits.</summary>
    public LoopBudgets Budgets { get; init; } = new();
}
