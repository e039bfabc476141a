using LlamaDuo.Core.Data;

namespace LlamaDuo.Service.Dedup;

/// <summary>The rows that survived (input order) and one decision per input row.</summary>
public sealed record DedupResult(IReadOnlyList<ChatExample> Kept, IReadOnlyList<DedupDecision> Decisions)
{
    /// <summary>Decision counts by reason, for reports.</summary>
    public IReadOnlyDictionary<DedupReason, int> Counts =>
        Decisions.GroupBy(d => d.Reason).ToDictionary(g => g.Key, g => g.Count());
}
