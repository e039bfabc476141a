using LlamaDuo.Pipeline.Calibration;

namespace LlamaDuo.Pipeline.Tests.Calibration;

/// <summary>The calibration statistics against values worked out independently (Python, by the textbook formulas).</summary>
public class CalibrationStatsTests
{
    static readonly double[] X = [1, 2, 3, 4, 5, 6];
    static readonly double[] Y = [2, 1, 4, 3, 6, 6];  // one tie, two swapped pairs

    [Fact]
    public void Spearman_uses_average_ranks_for_ties() =>
        Assert.Equal(0.8696565534786727, CalibrationStats.Spearman(X, Y), 12);

    [Fact]
    public void Kendall_tau_b_corrects_for_ties() =>
        Assert.Equal(0.6900655593423543, CalibrationStats.KendallTauB(X, Y), 12);

    [Fact]
    public void Perfect_order_is_one_and_no_spread_is_undefined()
    {
        Assert.Equal(1, CalibrationStats.Spearman(X, X), 12);
        Assert.Equal(-1, CalibrationStats.KendallTauB(X, X.Reverse().ToArray()), 12);
        Assert.True(double.IsNaN(CalibrationStats.Spearman(X, [5, 5, 5, 5, 5, 5])));
    }

    [Fact]
    public void Cohen_kappa_matches_the_textbook_example()
    {
        // 50 items: both yes 20, A yes B no 5, A no B yes 10, both no 15 -> po 0.7, pe 0.5, kappa 0.4.
        var a = Enumerable.Repeat(true, 25).Concat(Enumerable.Repeat(false, 25)).ToList();
        var b = Enumerable.Repeat(true, 20).Concat(Enumerable.Repeat(false, 5)).Concat(Enumerable.Repeat(true, 10)).Concat(Enumerable.Repeat(false, 15)).ToList();
        Assert.Equal(0.4, CalibrationStats.CohenKappa(a, b), 12);
        Assert.True(double.IsNaN(CalibrationStats.CohenKappa([true, true], [true, true])));
    }

    [Fact]
    public void Mean_bias_has_a_student_t_interval()
    {
        var (mean, low, high) = CalibrationStats.MeanWithCi([1, 2, 3, 4]);
        Assert.Equal(2.5, mean, 12);
        // t(0.975, 3) = 3.182446; s = 1.290994; half-width = 3.182446 * 1.290994 / 2 = 2.054260
        Assert.Equal(2.5 - 2.054260, low, 4);
        Assert.Equal(2.5 + 2.054260, high, 4);
    }
}
