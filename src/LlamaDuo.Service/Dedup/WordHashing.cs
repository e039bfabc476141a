namespace LlamaDuo.Service.Dedup;

/// <summary>
/// Stable (process-independent) hashes of normalised words and of word sequences, without allocating a string per
/// word: 100K rows of a few hundred words each would otherwise spend most of their time in the allocator. Words are
/// the same as <see cref="Judge.Programmatic.TextNormalizer.Words"/>: lower-cased runs of letters and digits.
/// </summary>
internal static class WordHashing
{
    const ulong FnvOffset = 14695981039346656037UL;
    const ulong FnvPrime = 1099511628211UL;

    /// <summary>32-bit hashes of the words of <paramref name="text"/>, in order.</summary>
    public static int[] WordHashes(string text)
    {
        var hashes = new List<int>(text.Length / 5 + 1);
        ulong h = FnvOffset;
        bool inWord = false;
        foreach (char ch in text)
        {
            if (char.IsLetterOrDigit(ch))
            {
                h = (h ^ char.ToLowerInvariant(ch)) * FnvPrime;
                inWord = true;
            }
            else if (inWord)
            {
                hashes.Add((int)Mix(h));
                h = FnvOffset;
                inWord = false;
            }
        }
        if (inWord) hashes.Add((int)Mix(h));
        return hashes.ToArray();
    }

    /// <summary>Hashes of every run of <paramref name="n"/> consecutive words (one hash of all words when fewer).</summary>
    public static ulong[] NgramHashes(ReadOnlySpan<int> words, int n)
    {
        if (words.Length == 0) return [];
        if (words.Length < n) return [Sequence(words)];
        var grams = new ulong[words.Length - n + 1];
        for (int i = 0; i < grams.Length; i++) grams[i] = Sequence(words.Slice(i, n));
        return grams;
    }

    /// <summary>A 64-bit hash of a whole word sequence: equal for texts that normalise to the same words.</summary>
    public static ulong Sequence(ReadOnlySpan<int> words)
    {
        ulong h = FnvOffset ^ (ulong)words.Length;
        foreach (int w in words) h = Mix(h ^ (uint)w) * FnvPrime;
        return Mix(h);
    }

    /// <summary>splitmix64's finaliser: spreads every input bit over the whole word.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
