using LlamaDuo.Service.Judge;

namespace LlamaDuo.Pipeline.Store;

/// <summary>
/// What one round of the loop produced: the rows it trained on, the synthetic rows it added (after dedup) and
/// dropped, the judge's summaries, and the verdict (for example "pass", "below threshold: synthesize",
/// "budget: dollars").
/// </summary>
public sealed record RoundMetrics(int Round, int TrainRows, int TestRows, int SyntheticAdded, int SyntheticDropped,
    ScoreSummary? Similarity, ScoreSummary? Precision, bool Passed, string Verdict);
