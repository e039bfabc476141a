using System.Numerics;
using System.Runtime.InteropServices;

namespace LlamaDuo.Service.Dedup;

/// <summary>
/// MinHash signatures over word shingles. Permutation i is the multiply-shift hash h_i(x) = (a_i x + b_i) &gt;&gt; 32 of
/// the 32-bit shingle hash x, with (a_i, b_i) drawn from a seeded RNG, so signatures are the same in every process.
/// The fraction of equal signature entries of two rows estimates the Jaccard similarity of their shingle sets.
/// </summary>
internal sealed class MinHasher
{
    readonly ulong[] _a, _b;

    public MinHasher(int permutations, int shingleSize, int seed)
    {
        if (permutations < 1 || shingleSize < 1) throw new ArgumentOutOfRangeException(nameof(permutations));
        ShingleSize = shingleSize;
        var rng = new Random(seed);
        _a = new ulong[permutations];
        _b = new ulong[permutations];
        for (int i = 0; i < permutations; i++)
        {
            _a[i] = (ulong)rng.NextInt64() | 1UL;
            _b[i] = (ulong)rng.NextInt64();
        }
    }

    public int Permutations => _a.Length;
    public int ShingleSize { get; }

    /// <summary>The distinct 32-bit shingle hashes of a row (word n-grams of <see cref="ShingleSize"/>), sorted.</summary>
    public uint[] Shingles(ReadOnlySpan<int> words)
    {
        var grams = WordHashing.NgramHashes(words, ShingleSize);
        var hashes = new uint[grams.Length];
        for (int i = 0; i < grams.Length; i++) hashes[i] = (uint)grams[i];
        Array.Sort(hashes);
        int distinct = 0;
        for (int i = 0; i < hashes.Length; i++)
            if (i == 0 || hashes[i] != hashes[i - 1]) hashes[distinct++] = hashes[i];
        return hashes[..distinct];
    }

    /// <summary>
    /// The signature of a shingle set; an empty set gets all-max entries (it matches only other empty rows).
    /// Vectorised over permutations: the 64-bit multiply-add for four or eight permutations at once.
    /// </summary>
    public uint[] Signature(uint[] shingles)
    {
        int n = _a.Length;
        var min = new ulong[n];
        Array.Fill(min, ulong.MaxValue);
        int width = Vector<ulong>.Count, vectorEnd = n - n % width;
        var a = MemoryMarshal.Cast<ulong, Vector<ulong>>(_a.AsSpan(0, vectorEnd));
        var b = MemoryMarshal.Cast<ulong, Vector<ulong>>(_b.AsSpan(0, vectorEnd));
        var m = MemoryMarshal.Cast<ulong, Vector<ulong>>(min.AsSpan(0, vectorEnd));
        foreach (uint x in shingles)
        {
            var vx = new Vector<ulong>(x);
            for (int i = 0; i < m.Length; i++) m[i] = Vector.Min(m[i], (a[i] * vx + b[i]) >> 32);
            for (int i = vectorEnd; i < n; i++) min[i] = Math.Min(min[i], (_a[i] * x + _b[i]) >> 32);
        }
        var sig = new uint[n];
        for (int i = 0; i < n; i++) sig[i] = shingles.Length == 0 ? uint.MaxValue : (uint)min[i];
        return sig;
    }

    /// <summary>Estimated Jaccard similarity: the share of equal entries.</summary>
    public static double Estimate(uint[] x, uint[] y)
    {
        int same = 0;
        for (int i = 0; i < x.Length; i++) if (x[i] == y[i]) same++;
        return (double)same / x.Length;
    }

    /// <summary>Exact Jaccard similarity of two distinct-element sets (the all-pairs check in tests and benchmarks).</summary>
    public static double Jaccard(HashSet<uint> x, IReadOnlyCollection<uint> y)
    {
        if (x.Count == 0 && y.Count == 0) return 1;
        int inter = y.Count(x.Contains);
        return (double)inter / (x.Count + y.Count - inter);
    }
}
