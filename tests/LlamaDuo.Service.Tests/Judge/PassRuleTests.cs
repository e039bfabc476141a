using LlamaDuo.Service.Judge;

namespace LlamaDuo.Service.Tests.Judge;

public class PassRuleTests
{
    static JudgedRow Row(string id, double? s, double? p) =>
        new(new JudgeItem(id, "i", "r", "c"), "t", [], s, p, []);

    static JudgeRunResult Run(PassRule rule, params JudgedRow[] rows) =>
        JudgeRunResult.From("t", rows, new JudgeRunOptions { PassRule = rule with { CoverageThreshold = 90 } });

    [Fact]
    public void Paper_default_needs_both_means_at_ninety()
    {
        Assert.True(Run(PassRule.PaperDefault, Row("a", 95, 92), Row("b", 90, 90)).Decision.Passed);
        var fail = Run(PassRule.PaperDefault, Row("a", 95, 80), Row("b", 90, 90)).Decision;
        Assert.False(fail.Passed);
        Assert.Contains(fail.Failures, f => f.Contains("mean precision"));
    }

    [Fact]
    public void Coverage_rule_counts_rows_at_threshold()
    {
        var rule = new PassRule { MinSimilarity = 0, MinPrecision = 0, MinCoverage = 75 };
        Assert.True(Run(rule, Row("a", 95, 90), Row("b", 90, 95), Row("c", 99, 99), Row("d", 10, 10)).Decision.Passed);
        var fail = Run(rule, Row("a", 95, 90), Row("b", 89, 95), Row("c", 99, 99), Row("d", 10, 10)).Decision;
        Assert.False(fail.Passed);
        Assert.Contains(fail.Failures, f => f.StartsWith("similarity coverage at 90"));
        Assert.True(Run(rule with { MinCoverage = 0 }, Row("a", 10, 10), Row("b", 10, 10)).Decision.Passed);
    }

    [Fact]
    public void Median_statistic_compares_medians()
    {
        var rule = PassRule.PaperDefault with { Statistic = "median" };
        JudgedRow[] rows = [Row("a", 95, 95), Row("b", 92, 91), Row("c", 20, 20)]; // means 69, medians 92 and 91
        Assert.True(Run(rule, rows).Decision.Passed);
        var byMean = Run(PassRule.PaperDefault, rows).Decision;
        Assert.False(byMean.Passed);
        Assert.Contains(byMean.Failures, f => f.StartsWith("mean similarity"));
    }

    [Fact]
    public void Too_many_unscored_rows_fail()
    {
        var result = Run(PassRule.PaperDefault, Row("a", 100, 100), Row("b", null, null));
        Assert.Equal(1, result.UnscoredRows);
        Assert.Equal(1, result.Similarity.Count);
        Assert.False(result.Decision.Passed);
    }

    [Fact]
    public void Agreement_reports_differences_correlation_and_decisions()
    {
        var a = Run(PassRule.PaperDefault, Row("x", 90, 80), Row("y", 60, 70), Row("z", 30, 20));
        var b = Run(PassRule.PaperDefault, Row("x", 95, 85), Row("y", 65, 75), Row("z", 35, 25));
        var agree = JudgeAgreement.Compare(a, b, rowThreshold: 90);
        Assert.Equal(3, agree.PairedRows);
        Assert.Equal(5, agree.SimilarityMeanAbsDiff, 9);
        Assert.Equal(1, agree.SimilarityPearson, 9);
        Assert.Equal(1, agree.PrecisionPearson, 9);
        Assert.Equal(1, agree.RowPassAgreement, 9);  // no row reaches 90 on both metrics under either judge
        Assert.True(agree.RunDecisionAgrees);
        Assert.Equal(-1, JudgeAgreement.Pearson([1, 2, 3], [3, 2, 1]), 9);
    }
}
