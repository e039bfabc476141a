namespace LlamaDuo.Pipeline.Store;

/// <summary>
/// One judge call's result for one candidate: test row, which of the K samples, which of the M judge rounds, and which
/// judge ("primary", or the second judge's model). A failed parse is recorded with <see cref="Error"/> set and null scores.
/// </summary>
public sealed record JudgementRecord(int Round, string RowId, int Sample, int JudgeRound, string Judge,
    double? Similarity, double? Precision, string? Reason, string? Error = null);
