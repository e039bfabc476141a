namespace LlamaDuo.Service.Judge.Programmatic;

/// <summary>
/// ROUGE-L F1 over words: 2PR/(P+R) with P = LCS/|candidate| and R = LCS/|reference|. The longest common
/// subsequence is computed bit-parallel by <see cref="LcsMatcher"/>, so confirming dedup candidates on long rows stays
/// cheap.
/// </summary>
public static class RougeL
{
    /// <summary>ROUGE-L F1 in [0, 1] between two texts (normalised words).</summary>
    public static double F1(string candidate, string reference)
    {
        var vocab = new Dictionary<string, int>();
        return F1(Ids(TextNormalizer.Words(candidate), vocab), Ids(TextNormalizer.Words(reference), vocab));
    }

    /// <summary>ROUGE-L F1 between two token-id sequences (ids from one shared vocabulary).</summary>
    public static double F1(ReadOnlySpan<int> candidate, ReadOnlySpan<int> reference) => new LcsMatcher(reference).F1(candidate);

    /// <summary>Length of the longest common subsequence of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static int Lcs(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => new LcsMatcher(a).Lcs(b);

    static int[] Ids(List<string> words, Dictionary<string, int> vocab)
    {
        var ids = new int[words.Count];
        for (int i = 0; i < ids.Length; i++)
            if (!vocab.TryGetValue(words[i], out ids[i])) vocab[words[i]] = ids[i] = vocab.Count;
        return ids;
    }
}
