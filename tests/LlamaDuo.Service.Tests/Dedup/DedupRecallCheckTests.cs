using LlamaDuo.Service.Dedup;

namespace LlamaDuo.Service.Tests.Dedup;

public class DedupRecallCheckTests
{
    [Fact]
    public void Inverted_index_pairs_equal_brute_force_all_pairs()
    {
        var rng = new Random(3);
        var sets = Enumerable.Range(0, 120).Select(_ => Enumerable.Range(0, rng.Next(1, 30)).Select(_ => (uint)rng.Next(60)).Distinct().ToArray()).ToArray();
        var expected = new List<(int, int)>();
        for (int i = 0; i < sets.Length; i++)
            for (int j = i + 1; j < sets.Length; j++)
                if (MinHasher.Jaccard(sets[i].ToHashSet(), sets[j]) >= 0.4) expected.Add((i, j));
        Assert.NotEmpty(expected);
        Assert.Equal(expected, DedupRecallCheck.ExactPairs(sets, 0.4).Order());
    }

    [Fact]
    public void Recall_on_a_small_real_workload_meets_the_target()
    {
        SharedData.Require();
        var real = DedupWorkload.RealTexts(SharedData.Root + "/no_robots").Take(400).ToList();
        var rows = DedupWorkload.Build(real, 800, originals: 320, seed: 4);
        var result = DedupRecallCheck.Run(rows, new DedupOptions());
        Assert.True(result.TruePairs > 50, $"{result.TruePairs} pairs");
        Assert.True(result.LshPairRecall >= 0.95, $"{result.LshPairRecall}");
        Assert.True(result.RowRecall >= 0.9, $"{result.RowRecall}");
    }
}
