using System.Text.Json;
using LlamaDuo.Core.Data;

namespace LlamaDuo.Service.Dedup;

/// <summary>
/// Builds benchmark rows from real data: every distinct text of the shared datasets (no_robots, Dolly summarisation,
/// LlamaDuo's synthetic parts), then splices (sentences of two or three real rows: distinct new rows) and perturbed
/// copies (words dropped, replaced or inserted at a rate drawn from [0.01, 0.4]: near duplicates at every distance,
/// some past the threshold). Seeded, so the workload is the same in every run.
/// </summary>
public static class DedupWorkload
{
    /// <summary>Distinct texts (non-system turns joined) of every JSONL file under <paramref name="dataRoot"/>.</summary>
    public static List<string> RealTexts(string dataRoot)
    {
        var texts = new List<string>();
        var seen = new HashSet<ulong>();
        foreach (var file in Directory.EnumerateFiles(dataRoot, "*.jsonl", SearchOption.AllDirectories).Order())
            foreach (var line in File.ReadLines(file))
            {
                if (line.Trim().Length == 0) continue;
                using var doc = JsonDocument.Parse(line);
                string? text = TextOf(doc.RootElement);
                if (text is not null && seen.Add(WordHashing.Sequence(WordHashing.WordHashes(text)))) texts.Add(text);
            }
        return texts;
    }

    static string? TextOf(JsonElement row)
    {
        if (row.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            return string.Join("\n", messages.EnumerateArray()
                .Where(m => m.TryGetProperty("role", out var r) && r.GetString() != "system" && m.TryGetProperty("content", out _))
                .Select(m => m.GetProperty("content").GetString()));
        if (row.TryGetProperty("instruction", out var i) && row.TryGetProperty("response", out var r2))
            return $"{i.GetString()}\n{(row.TryGetProperty("context", out var c) ? c.GetString() + "\n" : "")}{r2.GetString()}";
        return null;
    }

    /// <summary>
    /// <paramref name="count"/> rows: the real texts first (up to <paramref name="originals"/>), then splices and
    /// perturbed copies in equal measure, shuffled.
    /// </summary>
    public static List<ChatExample> Build(IReadOnlyList<string> real, int count, int originals, int seed)
    {
        var rng = new Random(seed);
        var pool = real.OrderBy(_ => rng.Next()).Take(Math.Min(originals, count)).ToList();
        var vocabulary = pool.Take(200).SelectMany(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToArray();
        var texts = new List<string>(pool);
        while (texts.Count < count)
            texts.Add(rng.Next(2) == 0 ? Splice(pool, rng) : Perturb(pool[rng.Next(pool.Count)], 0.01 + 0.39 * rng.NextDouble(), vocabulary, rng));
        return texts.OrderBy(_ => rng.Next()).Select((t, k) => new ChatExample($"row-{k:D6}", [ChatTurn.User(t)])).ToList();
    }

    /// <summary>Each word, with probability <paramref name="rate"/>, is dropped, replaced or followed by a random word.</summary>
    public static string Perturb(string text, double rate, string[] vocabulary, Random rng)
    {
        var output = new List<string>();
        foreach (var word in text.Split(' '))
        {
            if (rng.NextDouble() >= rate) { output.Add(word); continue; }
            switch (rng.Next(3))
            {
                case 0: break;
                case 1: output.Add(vocabulary[rng.Next(vocabulary.Length)]); break;
                default: output.Add(word); output.Add(vocabulary[rng.Next(vocabulary.Length)]); break;
            }
        }
        return string.Join(' ', output);
    }

    static string Splice(List<string> pool, Random rng)
    {
        var parts = Enumerable.Range(0, 2 + rng.Next(2)).Select(_ =>
        {
            var sentences = pool[rng.Next(pool.Count)].Split(". ");
            int start = rng.Next(sentences.Length);
            return string.Join(". ", sentences.Skip(start).Take(1 + rng.Next(3)));
        });
        return string.Join(". ", parts);
    }
}
