using LlamaDuo.Service.Judge;

namespace LlamaDuo.Service.Tests.Judge;

public class ScoreSummaryTests
{
    [Fact]
    public void Matches_hand_computed_figures()
    {
        // Mean 84, deviations -24,-4,6,6,16: sum of squares 920, s = sqrt(920/4) = 15.1658; t(0.975, 4) = 2.776445.
        var s = ScoreSummary.From([60, 80, 90, 90, 100], threshold: 90);
        Assert.Equal(5, s.Count);
        Assert.Equal(84, s.Mean, 9);
        Assert.Equal(90, s.Median, 9);
        Assert.Equal(Math.Sqrt(230), s.StdDev, 9);
        double half = 2.776445 * Math.Sqrt(230) / Math.Sqrt(5);
        Assert.Equal(84 - half, s.CiLow, 4);
        Assert.Equal(84 + half, s.CiHigh, 4);
        Assert.Equal(60, s.CoveragePercent, 9);
    }

    [Fact]
    public void Even_count_median_and_edge_cases()
    {
        Assert.Equal(2.5, ScoreSummary.From([4, 1, 3, 2], 0).Median, 9);
        var one = ScoreSummary.From([70], 50);
        Assert.Equal((70.0, 70.0, 0.0, 100.0), (one.CiLow, one.CiHigh, one.StdDev, one.CoveragePercent));
        var none = ScoreSummary.From([], 50);
        Assert.Equal(0, none.Count);
        Assert.False(double.IsNaN(none.Mean));
    }

    [Theory]
    [InlineData(1, 12.7062)]
    [InlineData(4, 2.7764)]
    [InlineData(14, 2.1448)]
    [InlineData(24, 2.0639)]
    [InlineData(1000, 1.9623)]
    public void Student_T_critical_values_match_tables(int df, double expected) =>
        Assert.Equal(expected, StudentT.Critical(0.95, df), 3);
}
