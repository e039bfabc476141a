namespace LlamaDuo.Service.Dedup;

/// <summary>
/// The LSH index: each signature is cut into <see cref="LshParameters.Bands"/> bands of
/// <see cref="LshParameters.Rows"/> entries; rows that agree on every entry of any one band are candidates.
/// Members are small integers chosen by the caller.
/// </summary>
internal sealed class MinHashLshIndex(LshParameters parameters)
{
    readonly Dictionary<ulong, List<int>>[] _buckets =
        Enumerable.Range(0, parameters.Bands).Select(_ => new Dictionary<ulong, List<int>>()).ToArray();

    public LshParameters Parameters { get; } = parameters;

    public void Add(int member, uint[] signature)
    {
        for (int band = 0; band < Parameters.Bands; band++)
        {
            ulong key = BandKey(signature, band);
            if (!_buckets[band].TryGetValue(key, out var list)) _buckets[band][key] = list = [];
            list.Add(member);
        }
    }

    /// <summary>Distinct members that share at least one band with <paramref name="signature"/>.</summary>
    public HashSet<int> Candidates(uint[] signature)
    {
        var found = new HashSet<int>();
        for (int band = 0; band < Parameters.Bands; band++)
            if (_buckets[band].TryGetValue(BandKey(signature, band), out var list))
                found.UnionWith(list);
        return found;
    }

    ulong BandKey(uint[] signature, int band)
    {
        ulong h = (ulong)band * 0x9E3779B97F4A7C15UL;
        int start = band * Parameters.Rows;
        for (int i = start; i < start + Parameters.Rows; i++) h = WordHashing.Mix(h ^ signature[i]);
        return h;
    }
}
