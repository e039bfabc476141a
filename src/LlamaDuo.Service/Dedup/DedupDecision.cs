namespace LlamaDuo.Service.Dedup;

/// <summary>
/// The verdict on one synthetic row: kept, or dropped with the reason, the id of the row it collided with and the
/// similarity that decided it (1 for exact matches, ROUGE-L F1 for near duplicates, n-gram overlap for test
/// contamination). One per input row, in input order; the loop writes them to dedup.jsonl.
/// </summary>
public sealed record DedupDecision(string RowId, DedupReason Reason, string? CollidedWith = null, double? Similarity = null)
{
    public bool Kept => Reason == DedupReason.Kept;
}
