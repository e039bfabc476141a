namespace LlamaDuo.Service.Tasks;

/// <summary>Which part of each slot list a story generator draws from.</summary>
public enum SlotCoverage
{
    /// <summary>The first half of every list: a deliberately limited coverage set.</summary>
    Half,
    /// <summary>Every list in full: what synthesis (and the held-out probe) draws from.</summary>
    Full,
}
