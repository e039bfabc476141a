using LlamaDuo.Service.Judge;

namespace LlamaDuo.Service.Tests.Judge;

public class DecisionFigureTests
{
    [Theory]
    [InlineData(89.9997, 90.0, "89.9997")]
    [InlineData(89.999999999, 90.0, "89.999999999")]
    [InlineData(89.5, 90.0, "89.5")]
    [InlineData(72.123456, 90.0, "72.12")]
    [InlineData(90.0001, 90.0, "90")]   // passes: printed at the bound, which passes too
    [InlineData(90.0, 90.0, "90")]
    public void Prints_enough_digits_to_stay_on_the_right_side_of_the_bound(double value, double bound, string expected) =>
        Assert.Equal(expected, DecisionFigure.Format(value, bound));

    [Fact]
    public void A_mean_just_under_the_bound_explains_itself()
    {
        var row = new JudgedRow(new JudgeItem("a", "i", "r", "c"), "t", [], 95, 89.9997, []);
        var decision = JudgeRunResult.From("t", [row], new JudgeRunOptions()).Decision;
        Assert.False(decision.Passed);
        Assert.Contains("mean precision 89.9997 < 90", decision.ToString());
    }
}
