using LlamaDuo.Core.Data;
using LlamaDuo.Service.Judge.Programmatic;

namespace LlamaDuo.Service.Dedup;

/// <summary>
/// Rows that dedup compares against (the test split, the train split, or the synthetic rows kept so far): exact hashes,
/// an LSH index and each member's features and id. Members are numbered in the order they were added.
/// </summary>
sealed class RowSet
{
    readonly Dictionary<ulong, int> _exact = [];
    readonly MinHashLshIndex _index;

    public RowSet(LshParameters lsh, IReadOnlyList<ChatExample> rows, IReadOnlyList<Deduplicator.RowFeatures> features)
    {
        _index = new MinHashLshIndex(lsh);
        for (int i = 0; i < rows.Count; i++) Add(rows[i].Id, features[i]);
    }

    public List<string> Ids { get; } = [];
    public List<Deduplicator.RowFeatures> Features { get; } = [];

    public void Add(string id, Deduplicator.RowFeatures features)
    {
        int member = Ids.Count;
        Ids.Add(id);
        Features.Add(features);
        _exact.TryAdd(features.Exact, member);
        _index.Add(member, features.Signature);
    }

    /// <summary>The id of the first member with the same normalised text, or null.</summary>
    public string? ExactMatch(Deduplicator.RowFeatures f) => _exact.TryGetValue(f.Exact, out int m) ? Ids[m] : null;

    /// <summary>
    /// The LSH candidate with the highest ROUGE-L F1 (earliest member on ties), or (null, 0). Candidates whose
    /// signatures estimate a Jaccard similarity below <paramref name="floor"/> are LSH false positives and skip the
    /// ROUGE-L computation.
    /// </summary>
    public (string? Id, double Rouge) Closest(Deduplicator.RowFeatures f, LcsMatcher matcher, double floor)
    {
        int best = -1;
        double bestRouge = 0;
        foreach (int c in _index.Candidates(f.Signature))
        {
            var other = Features[c];
            if (MinHasher.Estimate(f.Signature, other.Signature) < floor) continue;
            double rouge = matcher.F1(other.Words);
            if (rouge > bestRouge || (rouge == bestRouge && c < best)) { bestRouge = rouge; best = c; }
        }
        return best < 0 ? (null, 0) : (Ids[best], bestRouge);
    }
}
