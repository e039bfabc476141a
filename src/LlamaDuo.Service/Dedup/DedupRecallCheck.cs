using LlamaDuo.Core.Data;

namespace LlamaDuo.Service.Dedup;

/// <summary>
/// Measures dedup against the exact truth on a sample: every pair's exact Jaccard similarity of word shingles
/// (the same shingles MinHash sees), by counting shared shingles through an inverted index, so no pair is skipped.
/// Reports the share of truly similar pairs LSH proposes, the share of rows with an earlier true near duplicate that
/// dedup drops, and how many rows it drops without one (confirmed by ROUGE-L, or false drops).
/// </summary>
public static class DedupRecallCheck
{
    public sealed record Result(int Rows, int TruePairs, double LshPairRecall, int RowsWithEarlierPartner, double RowRecall, int DroppedWithoutPartner);

    public static Result Run(IReadOnlyList<ChatExample> rows, DedupOptions options)
    {
        var dedup = new Deduplicator(options);
        var hasher = new MinHasher(options.Permutations, options.ShingleSize, options.Seed);
        var shingles = rows.Select(r => hasher.Shingles(WordHashing.WordHashes(Deduplicator.TextOf(r)))).ToArray();
        var pairs = ExactPairs(shingles, options.JaccardThreshold);

        var index = new MinHashLshIndex(dedup.Lsh);
        var signatures = shingles.Select(hasher.Signature).ToArray();
        for (int i = 0; i < rows.Count; i++) index.Add(i, signatures[i]);
        var candidates = new Dictionary<int, HashSet<int>>();
        int found = pairs.Count(p =>
        {
            if (!candidates.TryGetValue(p.I, out var set)) candidates[p.I] = set = index.Candidates(signatures[p.I]);
            return set.Contains(p.J);
        });

        var decisions = dedup.Run(rows, [], []).Decisions;
        var hasPartner = pairs.Select(p => p.J).ToHashSet();   // J > I: the later row of each pair
        int caught = hasPartner.Count(j => !decisions[j].Kept);
        int falseDrops = decisions.Select((d, k) => (d, k)).Count(x => !x.d.Kept && !hasPartner.Contains(x.k));
        return new Result(rows.Count, pairs.Count,
            pairs.Count == 0 ? 1 : (double)found / pairs.Count,
            hasPartner.Count, hasPartner.Count == 0 ? 1 : (double)caught / hasPartner.Count, falseDrops);
    }

    /// <summary>All pairs (i &lt; j) with exact Jaccard &gt;= threshold.</summary>
    public static List<(int I, int J)> ExactPairs(uint[][] shingles, double threshold)
    {
        var postings = new Dictionary<uint, List<int>>();
        for (int i = 0; i < shingles.Length; i++)
            foreach (uint s in shingles[i])
            {
                if (!postings.TryGetValue(s, out var list)) postings[s] = list = [];
                list.Add(i);
            }
        var pairs = new List<(int, int)>();
        var shared = new int[shingles.Length];
        var touched = new List<int>();
        for (int i = 0; i < shingles.Length; i++)
        {
            foreach (uint s in shingles[i])
                foreach (int j in postings[s])
                    if (j > i && shared[j]++ == 0) touched.Add(j);
            foreach (int j in touched)
            {
                int inter = shared[j];
                double jaccard = (double)inter / (shingles[i].Length + shingles[j].Length - inter);
                if (jaccard >= threshold) pairs.Add((i, j));
                shared[j] = 0;
            }
            touched.Clear();
        }
        return pairs;
    }
}
