using LlamaDuo.LlamaCpp.Engine;

namespace LlamaDuo.LlamaCpp.Tests.Engine;

public sealed class LlamaCppSamplingTests
{
    static readonly float[] Logits = [0.1f, 2.0f, 1.9f, -1f, 0.5f];

    [Fact]
    public void Temperature_zero_is_argmax() => Assert.Equal(1, new LlamaCppSampling().Pick(Logits, new Random(1)));

    [Fact]
    public void Top_k_one_is_greedy_at_any_temperature()
    {
        var sampling = new LlamaCppSampling(Temperature: 5f, TopK: 1);
        Assert.All(Enumerable.Range(0, 50), seed => Assert.Equal(1, sampling.Pick(Logits, new Random(seed))));
    }

    [Fact]
    public void Top_p_keeps_only_the_nucleus()
    {
        // At temperature 1 tokens 1 and 2 hold ~0.71 of the mass; top-p 0.7 keeps just those two.
        var sampling = new LlamaCppSampling(Temperature: 1f, TopP: 0.7f);
        var picks = Enumerable.Range(0, 400).Select(seed => sampling.Pick(Logits, new Random(seed))).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 2 }, picks);
    }

    [Fact]
    public void The_same_seed_gives_the_same_draws()
    {
        var sampling = new LlamaCppSampling(Temperature: 1.5f, Seed: 9);
        int[] Draw() { var r = new Random(9); return Enumerable.Range(0, 20).Select(_ => sampling.Pick(Logits, r)).ToArray(); }
        Assert.Equal(Draw(), Draw());
        Assert.True(Draw().Distinct().Count() > 1);
    }
}
