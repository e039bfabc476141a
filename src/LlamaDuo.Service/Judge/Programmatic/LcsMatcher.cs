namespace LlamaDuo.Service.Judge.Programmatic;

/// <summary>
/// Longest-common-subsequence lengths against one fixed sequence, bit-parallel (Allison-Dix / Hyyrö): the match masks
/// of the fixed sequence are built once, then each other sequence costs |other| x ceil(|fixed| / 64) word operations.
/// Dedup compares one row with many candidates, so building the masks once matters.
/// </summary>
internal sealed class LcsMatcher
{
    readonly Dictionary<int, ulong[]> _masks = [];
    readonly int _words;
    readonly ulong[] _v;

    public LcsMatcher(ReadOnlySpan<int> fixedSequence)
    {
        Length = fixedSequence.Length;
        _words = (Length + 63) / 64;
        _v = new ulong[_words];
        for (int i = 0; i < Length; i++)
        {
            // Bit i of masks[sym] is set where fixedSequence[i] == sym.
            if (!_masks.TryGetValue(fixedSequence[i], out var m)) _masks[fixedSequence[i]] = m = new ulong[_words];
            m[i >> 6] |= 1UL << (i & 63);
        }
    }

    /// <summary>Length of the fixed sequence.</summary>
    public int Length { get; }

    /// <summary>LCS length of the fixed sequence and <paramref name="other"/>. Not thread-safe (reuses a buffer).</summary>
    public int Lcs(ReadOnlySpan<int> other)
    {
        Array.Fill(_v, ulong.MaxValue);
        foreach (int sym in other)
        {
            if (!_masks.TryGetValue(sym, out var m)) continue;
            // V = (V + (V & M)) | (V & ~M), the addition carried across words.
            ulong carry = 0;
            for (int w = 0; w < _words; w++)
            {
                ulong v = _v[w], u = v & m[w];
                ulong sum = v + u;
                ulong c1 = sum < v ? 1UL : 0UL;
                ulong sum2 = sum + carry;
                ulong c2 = sum2 < sum ? 1UL : 0UL;
                _v[w] = sum2 | (v & ~m[w]);
                carry = c1 | c2;
            }
        }
        int ones = 0;
        for (int w = 0; w < _words; w++) ones += System.Numerics.BitOperations.PopCount(_v[w]);
        // Bits past Length stay set (they never match), so zeros among the first Length bits = words*64 - ones.
        return _words * 64 - ones;
    }

    /// <summary>ROUGE-L F1 of <paramref name="other"/> against the fixed sequence (symmetric in the two).</summary>
    public double F1(ReadOnlySpan<int> other)
    {
        if (Length == 0 || other.Length == 0) return 0;
        int lcs = Lcs(other);
        if (lcs == 0) return 0;
        double p = (double)lcs / other.Length, r = (double)lcs / Length;
        return 2 * p * r / (p + r);
    }
}
