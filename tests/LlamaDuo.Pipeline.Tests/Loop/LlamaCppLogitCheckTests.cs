using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;

namespace LlamaDuo.Pipeline.Tests.Loop;

/// <summary>
/// The check that decides whether inference.engine auto answers on llama.cpp or falls back to torch: llama.cpp's
/// logits must be within 1e-3 of the largest logit of ours (F32 exports measure ~1e-6 of it).
/// </summary>
public class LlamaCppLogitCheckTests
{
    static float[][] Logits(int positions, int vocab, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, positions).Select(_ => Enumerable.Range(0, vocab).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray()).ToArray();
    }

    static float[][] Shifted(float[][] logits, int position, int token, float by)
    {
        var copy = logits.Select(row => row.ToArray()).ToArray();
        copy[position][token] += by;
        return copy;
    }

    [Fact]
    public void Rounding_differences_pass_and_a_real_difference_anywhere_fails()
    {
        var ours = Logits(16, 500, seed: 1);
        double scale = ours.Max(r => r.Max(Math.Abs));

        Assert.True(LlamaCppInference.Check(ours, Shifted(ours, 3, 17, 2e-5f)).Reproduces);
        var (diff, measured, reproduces) = LlamaCppInference.Check(ours, Shifted(ours, 15, 499, (float)(2e-3 * scale)));
        Assert.False(reproduces);
        Assert.Equal(2e-3 * scale, diff, 1e-4);
        Assert.Equal(scale, measured, 1e-6);
    }

    [Fact]
    public void A_nan_or_a_different_shape_never_passes()
    {
        var ours = Logits(4, 50, seed: 2);
        Assert.False(LlamaCppInference.Check(ours, Shifted(ours, 0, 0, float.NaN)).Reproduces);
        Assert.False(LlamaCppInference.Check(ours, ours.Take(3).ToArray()).Reproduces);
        Assert.False(LlamaCppInference.Check(ours, ours.Select(r => r.Take(49).ToArray()).ToArray()).Reproduces);
    }

    [Fact]
    public void Auto_is_the_default_engine()
    {
        Assert.Equal(InferenceEngine.Auto, new InferenceOptions().Engine);
    }
}
