using System.Globalization;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>How a run ended: whether the student passed, its rounds, the best scores, and where things are.</summary>
public sealed record LoopOutcome(bool Passed, IReadOnlyList<RoundMetrics> Rounds, string RunDir, string? ModelPath, string? ReportPath, string StopReason)
{
    /// <summary>
    /// Set when a single-step command ran (`llamaduo run --init`, `train|infer|judge|synth --run DIR`): the stage that
    /// ran. The run is then paused, not finished: no export, no report, status stopped.
    /// </summary>
    public LoopStage? SingleStep { get; init; }

    /// <summary>The run's best round (<see cref="Loop.BestRound"/>), or null when none was judged.</summary>
    public RoundMetrics? BestRound => Loop.BestRound.Of(Rounds);

    public double BestSimilarity => BestRound?.Similarity?.Mean ?? 0;
    public double BestPrecision => BestRound?.Precision?.Mean ?? 0;

    /// <summary>The machine-readable closing line of `llamaduo run` and `llamaduo quickstart`.</summary>
    public string SummaryLine => string.Create(CultureInfo.InvariantCulture,
        $"result: pass={(Passed ? "true" : "false")} rounds={Rounds.Count} best_similarity={BestSimilarity:0.0} best_precision={BestPrecision:0.0} run={RunDir}");
}
