namespace LlamaDuo.Service.Judge;

/// <summary>The two 1-100 scores of one judgement, with the judge's short reasons when it gave them.</summary>
public sealed record JudgeScores(double Similarity, double Precision, string? SimilarityReason = null, string? PrecisionReason = null);
