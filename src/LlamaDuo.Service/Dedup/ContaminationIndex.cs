namespace LlamaDuo.Service.Dedup;

/// <summary>
/// Word n-grams of the test rows, for decontamination: a row is contaminated when the share of its n-grams found in
/// one test row, measured against the smaller of the two n-gram sets, reaches the threshold. Measuring against the
/// smaller set catches a synthetic row that embeds a whole test prompt inside longer text.
/// </summary>
internal sealed class ContaminationIndex
{
    readonly Dictionary<ulong, List<int>> _postings = [];
    readonly List<int> _sizes = [];
    readonly int _n;

    public ContaminationIndex(int n) => _n = n;

    public void Add(ReadOnlySpan<int> words)
    {
        int member = _sizes.Count;
        var grams = WordHashing.NgramHashes(words, _n).ToHashSet();
        _sizes.Add(grams.Count);
        foreach (ulong g in grams)
        {
            if (!_postings.TryGetValue(g, out var list)) _postings[g] = list = [];
            list.Add(member);
        }
    }

    /// <summary>The test row with the highest overlap and that overlap (0 when nothing is shared).</summary>
    public (int Member, double Overlap) MostOverlapping(ReadOnlySpan<int> words)
    {
        var grams = WordHashing.NgramHashes(words, _n).ToHashSet();
        var hits = new Dictionary<int, int>();
        foreach (ulong g in grams)
            if (_postings.TryGetValue(g, out var list))
                foreach (int m in list) hits[m] = hits.GetValueOrDefault(m) + 1;
        (int Member, double Overlap) best = (-1, 0);
        foreach (var (m, count) in hits)
        {
            double overlap = (double)count / Math.Min(grams.Count, _sizes[m]);
            if (overlap > best.Overlap) best = (m, overlap);
        }
        return best;
    }
}
