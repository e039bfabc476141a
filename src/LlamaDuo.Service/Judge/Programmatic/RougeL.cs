namespace LlamaDuo.Service.Judge.Programmatic;

/// <summary>
/// ROUGE-L F1 over words: 2PR/(P+R) with P = LCS/|candidate| and R = LCS/|reference|. The longest common
/// subsequence uses the bit-parallel algorithm (Allison-Dix / Hyyrö: one machine word covers 64 reference positions),
/// so confirming dedup candidates on long rows stays cheap.
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
    public static double F1(ReadOnlySpan<int> candidate, ReadOnlySpan<int> reference)
    {
        if (candidate.Length == 0 || reference.Length == 0) return 0;
        int lcs = Lcs(reference, candidate);
        if (lcs == 0) return 0;
        double p = (double)lcs / candidate.Length, r = (double)lcs / reference.Length;
        return 2 * p * r / (p + r);
    }

    /// <summary>Length of the longest common subsequence of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static int Lcs(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int words = (a.Length + 63) / 64;
        // Match masks: bit i of masks[sym] is set where a[i] == sym.
        var masks = new Dictionary<int, ulong[]>();
        for (int i = 0; i < a.Length; i++)
        {
            if (!masks.TryGetValue(a[i], out var m)) masks[a[i]] = m = new ulong[words];
            m[i >> 6] |= 1UL << (i & 63);
        }
        var v = new ulong[words];
        Array.Fill(v, ulong.MaxValue);
        foreach (int sym in b)
        {
            if (!masks.TryGetValue(sym, out var m)) continue;
            // V = (V + (V & M)) | (V & ~M), with the addition carried across words.
            ulong carry = 0;
            for (int w = 0; w < words; w++)
            {
                ulong u = v[w] & m[w];
                ulong sum = v[w] + u;
                ulong c1 = sum < v[w] ? 1UL : 0UL;
                ulong sum2 = sum + carry;
                ulong c2 = sum2 < sum ? 1UL : 0UL;
                v[w] = sum2 | (v[w] & ~m[w]);
                carry = c1 | c2;
            }
        }
        int zeros = 0;
        for (int i = 0; i < a.Length; i++)
            if ((v[i >> 6] & (1UL << (i & 63))) == 0) zeros++;
        return zeros;
    }

    static int[] Ids(List<string> words, Dictionary<string, int> vocab)
    {
        var ids = new int[words.Count];
        for (int i = 0; i < ids.Length; i++)
            if (!vocab.TryGetValue(words[i], out ids[i])) vocab[words[i]] = ids[i] = vocab.Count;
        return ids;
    }
}
