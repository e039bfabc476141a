using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Judge;

namespace LlamaDuo.Pipeline.Tests.Loop;

/// <summary>One definition of the best round, and both best scores from that one round.</summary>
public class BestRoundTests
{
    static RoundMetrics Round(int round, double similarity, double precision, bool passed = false) =>
        new(round, 10, 5, 0, 0, ScoreSummary.From([similarity], 90), ScoreSummary.From([precision], 90), passed, passed ? "pass" : "below threshold: synthesize");

    [Fact]
    public void The_round_that_passed_wins_over_a_higher_sum_that_did_not()
    {
        RoundMetrics[] rounds = [Round(0, 99, 70), Round(1, 91, 92, passed: true)];
        Assert.Equal(1, BestRound.Of(rounds)!.Round);
    }

    [Fact]
    public void Without_a_pass_the_highest_sum_wins_and_the_earlier_round_on_a_tie()
    {
        Assert.Equal(1, BestRound.Of([Round(0, 60, 70), Round(1, 80, 75), Round(2, 90, 60)])!.Round);
        Assert.Equal(0, BestRound.Of([Round(0, 80, 70), Round(1, 70, 80)])!.Round);
    }

    [Fact]
    public void The_outcome_takes_both_best_scores_from_the_same_round()
    {
        // Best similarity (95) is round 0's, best precision (88) round 1's: the line must not mix them.
        var outcome = new LoopOutcome(false, [Round(0, 95, 50), Round(1, 80, 88)], "run", null, null, "budget");
        Assert.Equal((80, 88), (outcome.BestSimilarity, outcome.BestPrecision));
        Assert.Contains("best_similarity=80.0 best_precision=88.0", outcome.SummaryLine);
    }

    [Fact]
    public void Unjudged_and_unscored_rounds_never_win()
    {
        var unjudged = new RoundMetrics(0, 10, 5, 0, 0, null, null, false, "x");
        var unscored = new RoundMetrics(1, 10, 5, 0, 0, ScoreSummary.From([], 90) with { Mean = double.NaN }, ScoreSummary.From([], 90), false, "x");
        Assert.Null(BestRound.Of([unjudged]));
        Assert.Equal(2, BestRound.Of([unjudged, unscored, Round(2, 1, 1)])!.Round);
    }
}
