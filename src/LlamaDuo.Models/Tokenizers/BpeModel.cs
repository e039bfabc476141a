using System.Collections.Concurrent;

namespace LlamaDuo.Models.Tokenizers;

/// <summary>
/// The BPE model of a tokenizer.json: a word is split into characters, then the adjacent pair with the lowest merge
/// rank (leftmost on ties) is merged until no listed merge applies. Characters missing from the vocabulary become
/// &lt;0xNN&gt; byte tokens (byte fallback) or the unknown token. Results for short words are cached.
/// </summary>
internal sealed class BpeModel
{
    const int MaxCachedWordLength = 128;
    const int MaxCacheEntries = 200_000;

    readonly Dictionary<string, int> _vocab;
    readonly Dictionary<(int Left, int Right), (int Rank, int Merged)> _merges;
    readonly int[] _byteTokenIds;
    readonly int? _unkId;
    readonly bool _fuseUnk;
    readonly bool _ignoreMerges;
    readonly ConcurrentDictionary<string, int[]> _cache = new();

    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, bool byteFallback,
        string? unkToken, bool fuseUnk, bool ignoreMerges)
    {
        _vocab = vocab;
        _merges = new Dictionary<(int, int), (int, int)>(merges.Count);
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocab.TryGetValue(left, out var l) || !vocab.TryGetValue(right, out var r)) continue;
            if (!vocab.TryGetValue(left + right, out var merged)) continue;
            _merges.TryAdd((l, r), (rank, merged));
        }
        _byteTokenIds = new int[256];
        for (int b = 0; b < 256; b++)
            _byteTokenIds[b] = byteFallback && vocab.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
        _unkId = unkToken is not null && vocab.TryGetValue(unkToken, out var unk) ? unk : null;
        _fuseUnk = fuseUnk;
        _ignoreMerges = ignoreMerges;
    }

    /// <summary>Appends the ids of one pre-tokenized word.</summary>
    public void Encode(string word, List<int> output)
    {
        if (word.Length == 0) return;
        if (_ignoreMerges && _vocab.TryGetValue(word, out var whole))
        {
            output.Add(whole);
            return;
        }
        if (word.Length <= MaxCachedWordLength && _cache.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }
        var ids = Merge(InitialSymbols(word));
        if (word.Length <= MaxCachedWordLength)
        {
            if (_cache.Count >= MaxCacheEntries) _cache.Clear();
            _cache[word] = ids;
        }
        output.AddRange(ids);
    }

    List<int> InitialSymbols(string word)
    {
        var symbols = new List<int>(word.Length);
        bool lastWasUnk = false;
        for (int i = 0; i < word.Length;)
        {
            int len = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            var ch = word.Substring(i, len);
            i += len;
            if (_vocab.TryGetValue(ch, out var id))
            {
                symbols.Add(id);
                lastWasUnk = false;
                continue;
            }
            var bytes = System.Text.Encoding.UTF8.GetBytes(ch);
            if (bytes.All(b => _byteTokenIds[b] >= 0))
            {
                foreach (var b in bytes) symbols.Add(_byteTokenIds[b]);
                lastWasUnk = false;
                continue;
            }
            if (_unkId is null)
                throw new InvalidOperationException($"Character U+{char.ConvertToUtf32(ch, 0):X4} is not in the vocabulary and the tokenizer has no unk token or byte fallback.");
            if (!(_fuseUnk && lastWasUnk)) symbols.Add(_unkId.Value);
            lastWasUnk = true;
        }
        return symbols;
    }

    int[] Merge(List<int> symbols) => symbols.Count > 48 ? MergeLong(symbols) : MergeShort(symbols);

    /// <summary>Repeatedly merges the best-ranked adjacent pair by scanning: fastest for short words.</summary>
    int[] MergeShort(List<int> symbols)
    {
        while (symbols.Count > 1)
        {
            int bestRank = int.MaxValue, bestAt = -1, bestMerged = 0;
            for (int i = 0; i + 1 < symbols.Count; i++)
            {
                if (_merges.TryGetValue((symbols[i], symbols[i + 1]), out var m) && m.Rank < bestRank)
                {
                    bestRank = m.Rank;
                    bestAt = i;
                    bestMerged = m.Merged;
                }
            }
            if (bestAt < 0) break;
            symbols[bestAt] = bestMerged;
            symbols.RemoveAt(bestAt + 1);
        }
        return symbols.ToArray();
    }

    /// <summary>
    /// The same merge order (lowest rank, then leftmost) with a linked list and a priority queue, for the long
    /// un-split stretches SentencePiece-style files hand to BPE: O(n log n) instead of O(n^2).
    /// </summary>
    int[] MergeLong(List<int> symbols)
    {
        int n = symbols.Count;
        var id = symbols.ToArray();
        var prev = new int[n];
        var next = new int[n];
        var alive = new bool[n];
        for (int i = 0; i < n; i++) (prev[i], next[i], alive[i]) = (i - 1, i + 1 < n ? i + 1 : -1, true);
        var queue = new PriorityQueue<(int Left, int LeftId, int RightId, int Merged), (int Rank, int Pos)>();
        void Push(int left)
        {
            if (left < 0 || next[left] < 0) return;
            int right = next[left];
            if (_merges.TryGetValue((id[left], id[right]), out var m))
                queue.Enqueue((left, id[left], id[right], m.Merged), (m.Rank, left));
        }
        for (int i = 0; i + 1 < n; i++) Push(i);
        while (queue.TryDequeue(out var e, out _))
        {
            int right = next[e.Left];
            // Entries go stale when a neighbour merged since they were queued.
            if (!alive[e.Left] || right < 0 || id[e.Left] != e.LeftId || id[right] != e.RightId) continue;
            id[e.Left] = e.Merged;
            alive[right] = false;
            next[e.Left] = next[right];
            if (next[right] >= 0) prev[next[right]] = e.Left;
            Push(prev[e.Left]);
            Push(e.Left);
        }
        var result = new List<int>();
        for (int i = 0; i >= 0; i = next[i]) result.Add(id[i]);
        return result.ToArray();
    }
}
