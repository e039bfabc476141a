using LlamaDuo.Service.Judge;

namespace LlamaDuo.Service.Tests.Judge;

public class PassRuleTests
{
    static JudgedRow Row(string id, double? s, double? p) =>
        new(new JudgeItem(id, "i", "r", "c"), "t", [], s, p, []);

    static JudgeRunResult Run(PassRule rule, params JudgedRow[] rows) =>
        JudgeRunResult.From("t", rows, new JudgeRunOptions { RowThreshold = 90, PassRule = rule });

    [Fact]
    public void PaperDefaultNeedsBothMeansAtNinety()
    {
        Assert.True(Run(PassRule.PaperDefault, Row("a", 95, 92), Row("b", 90, 90)).Decision.Passed);
        var fail = Run(PassRule.PaperDefault, Row("a", 95, 80), Row("b", 90, 90)).Decision;
        Assert.False(fail.Passed);
        Assert.Contains(fail.Failures, f => f.Contains("mean precision"));
    }

    [Fact]
    public void CoverageRuleCountsRowsAtThreshold()
    {
        var rule = new PassRule { MinMeanSimilarity = null, MinMeanPrecision = null, MinSimilarityCoverage = 75 };
        Assert.True(Run(rule, Row("a", 95, 0), Row("b", 90, 0), Row("c", 99, 0), Row("d", 10, 0)).Decision.Passed);
        Assert.False(Run(rule, Row("a", 95, 0), Row("b", 89, 0), Row("c", 99, 0), Row("d", 10, 0)).Decision.Passed);
    }

    [Fact]
    public void TooManyUnscoredRowsFail()
    {
        var result = Run(PassRule.PaperDefault, Row("a", 100, 100), Row("b", null, null));
        Assert.Equal(1, result.UnscoredRows);
        Assert.Equal(1, result.Similarity.Count);
        Assert.False(result.Decision.Passed);
    }

    [Fact]
    public void AgreementReportsDifferencesCorrelationAndDecisions()
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
