using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// The one definition of a run's best round, used by the export stage, `llamaduo export --run`, `llamaduo runs`, the
/// report and the closing result line: the round that passed the pass rule (the loop stops at the first); when none
/// did, the judged round with the highest similarity mean plus precision mean, the earlier round on a tie. Its two
/// scores always come from the same round.
/// </summary>
public static class BestRound
{
    /// <summary>The best judged round, or null when no round has been judged.</summary>
    public static RoundMetrics? Of(IEnumerable<RoundMetrics> rounds)
    {
        RoundMetrics? best = null;
        foreach (var r in rounds.Where(r => r.Similarity is not null && r.Precision is not null).OrderBy(r => r.Round))
            if (best is null || (r.Passed, Score(r)).CompareTo((best.Passed, Score(best))) > 0) best = r;
        return best;
    }

    /// <summary>Similarity mean plus precision mean; a round whose means were never computed ranks last.</summary>
    static double Score(RoundMetrics r) => r.Similarity!.Mean + r.Precision!.Mean is var s && double.IsFinite(s) ? s : double.NegativeInfinity;
}
