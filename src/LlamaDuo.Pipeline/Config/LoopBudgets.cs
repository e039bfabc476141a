namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>loop.budgets</c> section: the loop stops before any of these is exceeded. Null means no limit.</summary>
public sealed record LoopBudgets
{
    /// <summary>Synthetic rows added over the whole run.</summary>
    public int? SyntheticRows { get; init; } = 10_000;

    /// <summary>Service tokens (prompt + completion) over the whole run.</summary>
    public long? Tokens { get; init; }

    /// <summary>Service spend in US dollars over the whole run.</summary>
    public double? Dollars { get; init; }

    /// <summary>Wall-clock minutes over the whole run.</summary>
    public double? WallMinutes { get; init; }
}
