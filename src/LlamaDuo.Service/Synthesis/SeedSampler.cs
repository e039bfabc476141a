using LlamaDuo.Core.Data;
using LlamaDuo.Service.Dedup;

namespace LlamaDuo.Service.Synthesis;

/// <summary>
/// Picks seed examples from the TRAIN split only. Sampling is without replacement and weighted (Efraimidis-Spirakis:
/// key u^(1/w), take the largest keys), from an RNG the caller seeds. Weights default to 1; <see cref="FailureWeights"/>
/// raises the weight of train rows that resemble test rows the student failed, without any test text reaching a prompt.
/// </summary>
public static class SeedSampler
{
    /// <summary><paramref name="count"/> distinct train rows (fewer when train is smaller).</summary>
    public static List<ChatExample> Sample(IReadOnlyList<ChatExample> train, int count, Random rng, IReadOnlyDictionary<string, double>? weights = null)
    {
        return train
            .Select(row => (row, key: Math.Pow(rng.NextDouble(), 1.0 / Math.Max(1e-9, weights?.GetValueOrDefault(row.Id, 1.0) ?? 1.0))))
            .OrderByDescending(x => x.key)
            .Take(count)
            .Select(x => x.row)
            .ToList();
    }

    /// <summary>
    /// Weights per train id: 1 + (boost - 1) * max over failed test rows of (word-set Jaccard with that test row times
    /// its shortfall, (threshold - score) / threshold). A test row passes at or above <paramref name="threshold"/> and
    /// then pulls on nothing. <paramref name="testScores"/> pairs each judged test instruction with its row score.
    /// </summary>
    public static Dictionary<string, double> FailureWeights(
        IReadOnlyList<ChatExample> train,
        IEnumerable<(string Instruction, double Score)> testScores,
        double threshold,
        double boost)
    {
        var failed = testScores.Where(t => t.Score < threshold)
            .Select(t => (Words: WordHashing.WordHashes(t.Instruction).ToHashSet(), Shortfall: (threshold - t.Score) / threshold))
            .ToList();
        var weights = new Dictionary<string, double>();
        foreach (var row in train)
        {
            var words = WordHashing.WordHashes(row.Prompt).ToHashSet();
            double pull = 0;
            foreach (var (testWords, shortfall) in failed)
            {
                int inter = words.Count(testWords.Contains);
                int union = words.Count + testWords.Count - inter;
                if (union > 0) pull = Math.Max(pull, shortfall * inter / union);
            }
            weights[row.Id] = 1 + (boost - 1) * pull;
        }
        return weights;
    }
}
