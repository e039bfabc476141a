using System.Globalization;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>How a run ended: whether the student passed, its rounds, the best scores, and where things are.</summary>
public sealed record LoopOutcome(bool Passed, IReadOnlyList<RoundMetrics> Rounds, string RunDir, string? ModelPath, string? ReportPath, string StopReason)
{
    public double BestSimilarity => Rounds.Select(r => r.Similarity?.Mean ?? 0).DefaultIfEmpty(0).Max();
    public double BestPrecision => Rounds.Select(r => r.Precision?.Mean ?? 0).DefaultIfEmpty(0).Max();

    /// <summary>The machine-readable closing line of `llamaduo run` and `llamaduo quickstart`.</summary>
    public string SummaryLine => string.Create(CultureInfo.InvariantCulture,
        $"result: pass={(Passed ? "true" : "false")} rounds={Rounds.Count} best_similarity={BestSimilarity:0.0} best_precision={BestPrecision:0.0} run={RunDir}");
}
