namespace LlamaDuo.Service.Judge.Programmatic;

/// <summary>
/// Sentence-level BLEU-4 against one reference, on normalised words: geometric mean of modified n-gram precisions
/// (n = 1..4) times the brevity penalty. Short answers have no 3- or 4-gram matches, which would zero plain BLEU, so
/// precisions for n &gt; 1 use add-one smoothing (Lin and Och, 2004). Returns [0, 1].
/// </summary>
internal static class SentenceBleu
{
    public static double Score(string candidate, string reference, int maxOrder = 4)
    {
        var c = TextNormalizer.Words(candidate);
        var r = TextNormalizer.Words(reference);
        if (c.Count == 0 || r.Count == 0) return 0;
        double logSum = 0;
        for (int n = 1; n <= maxOrder; n++)
        {
            var refCounts = Counts(r, n);
            var candCounts = Counts(c, n);
            int total = Math.Max(0, c.Count - n + 1);
            int matched = candCounts.Sum(kv => Math.Min(kv.Value, refCounts.GetValueOrDefault(kv.Key)));
            double p = n == 1
                ? (double)matched / total
                : (matched + 1.0) / (total + 1.0);
            if (p == 0) return 0;
            logSum += Math.Log(p) / maxOrder;
        }
        double brevity = c.Count >= r.Count ? 1 : Math.Exp(1 - (double)r.Count / c.Count);
        return brevity * Math.Exp(logSum);
    }

    static Dictionary<string, int> Counts(List<string> words, int n)
    {
        var counts = new Dictionary<string, int>();
        for (int i = 0; i + n <= words.Count; i++)
        {
            string key = string.Join(' ', words.GetRange(i, n));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }
}
