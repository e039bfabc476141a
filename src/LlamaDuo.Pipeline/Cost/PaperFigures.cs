namespace LlamaDuo.Pipeline.Cost;

/// <summary>
/// The LlamaDuo paper's published 12-month costs (arXiv 2408.13467), quoted beside ours for context only: they are
/// for its own tasks, loads and hardware, not this run's.
/// </summary>
public static class PaperFigures
{
    /// <summary>Where the figures come from.</summary>
    public const string Source = "LlamaDuo paper (Park et al., arXiv 2408.13467, ACL 2025), 12-month cost analysis";

    /// <summary>Local Gemma 7B and GPT-4o over 12 months at the paper's light load.</summary>
    public const decimal LocalLight = 3_699m, ServiceLight = 23_400m;

    /// <summary>Local Gemma 7B and GPT-4o over 12 months at the paper's heavy load.</summary>
    public const decimal LocalHeavy = 23_992m, ServiceHeavy = 117_000m;
}
