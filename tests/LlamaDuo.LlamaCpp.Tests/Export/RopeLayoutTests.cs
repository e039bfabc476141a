using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.Models.Model;

namespace LlamaDuo.LlamaCpp.Tests.Export;

public sealed class RopeLayoutTests
{
    [Fact]
    public void Halves_to_interleaved_moves_row_j_and_j_plus_half_next_to_each_other_within_each_head()
    {
        // 2 heads of size 4, rows of length 1: head rows [a0 a1 b0 b1] become [a0 b0 a1 b1].
        float[] rows = [0, 1, 2, 3, 10, 11, 12, 13];
        Assert.Equal(new float[] { 0, 2, 1, 3, 10, 12, 11, 13 }, RopeLayout.HalvesToInterleaved(rows, heads: 2, headDim: 4));
    }

    [Fact]
    public void Llama3_divisors_keep_short_wavelengths_scale_long_ones_and_blend_between()
    {
        // Llama 3.1 settings: factor 8, low 1, high 4, original context 8192, theta 500000, head size 128.
        var divisors = RopeLayout.Llama3FrequencyDivisors(new RopeScaling(8, 1, 4, 8192), 500000, 128);
        Assert.Equal(64, divisors.Length);
        Assert.Equal(1f, divisors[0]);                        // wavelength 2*pi: untouched
        Assert.Equal(8f, divisors[^1]);                       // longest wavelengths: divided by the factor
        var band = divisors.Where(d => d > 1 && d < 8).ToList();
        Assert.NotEmpty(band);
        Assert.Equal(band.OrderBy(d => d), band);              // monotone blend
    }
}
