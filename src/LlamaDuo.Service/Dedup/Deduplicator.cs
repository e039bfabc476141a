using LlamaDuo.Core.Data;
using LlamaDuo.Service.Judge.Programmatic;

namespace LlamaDuo.Service.Dedup;

/// <summary>
/// Filters a batch of synthetic rows against itself, the train split and the test split, in input order:
/// exact matches (normalised word sequence) with test, train and earlier kept rows; n-gram overlap with any test row
/// (decontamination); then near duplicates of train rows or earlier kept rows, found by MinHash LSH and confirmed by
/// ROUGE-L. Each row gets one <see cref="DedupDecision"/>; a dropped row names the row it collided with.
/// Row text is every non-system turn, so rows that share a system prompt are not similar because of it.
/// </summary>
public sealed class Deduplicator
{
    readonly DedupOptions _options;
    readonly MinHasher _hasher;

    public Deduplicator(DedupOptions? options = null)
    {
        _options = options ?? new DedupOptions();
        _hasher = new MinHasher(_options.Permutations, _options.ShingleSize, _options.Seed);
        Lsh = LshParameters.Choose(_options.JaccardThreshold, _options.Permutations, _options.FalsePositiveWeight, _options.FalseNegativeWeight);
    }

    /// <summary>The bands and rows chosen for the threshold.</summary>
    public LshParameters Lsh { get; }

    /// <summary>The text dedup compares: all user and assistant turns, newline-joined.</summary>
    public static string TextOf(ChatExample row) =>
        string.Join("\n", row.Messages.Where(m => m.Role != "system").Select(m => m.Content));

    public DedupResult Run(IReadOnlyList<ChatExample> synthetic, IReadOnlyList<ChatExample> train, IReadOnlyList<ChatExample> test)
    {
        var synth = Features(synthetic);
        var testSet = new RowSet(Lsh, test, Features(test));
        var trainSet = new RowSet(Lsh, train, Features(train));
        var keptSet = new RowSet(Lsh, [], []);
        var contamination = new ContaminationIndex(_options.DecontamNgram);
        foreach (var f in testSet.Features) contamination.Add(f.Words);

        var decisions = new List<DedupDecision>(synthetic.Count);
        var kept = new List<ChatExample>();
        for (int i = 0; i < synth.Length; i++)
        {
            var decision = Decide(synthetic[i].Id, synth[i], testSet, trainSet, keptSet, contamination);
            decisions.Add(decision);
            if (!decision.Kept) continue;
            kept.Add(synthetic[i]);
            keptSet.Add(synthetic[i].Id, synth[i]);
        }
        return new DedupResult(kept, decisions);
    }

    /// <summary>The checks in order; the first that fires decides.</summary>
    DedupDecision Decide(string id, RowFeatures f, RowSet test, RowSet train, RowSet kept, ContaminationIndex contamination)
    {
        if (f.Words.Length == 0) return new(id, DedupReason.Empty);
        if (test.ExactMatch(f) is { } t) return new(id, DedupReason.ContaminatesTest, t, 1);
        if (train.ExactMatch(f) is { } tr) return new(id, DedupReason.DuplicatesTrain, tr, 1);
        if (kept.ExactMatch(f) is { } k) return new(id, DedupReason.ExactDuplicate, k, 1);

        var (member, overlap) = contamination.MostOverlapping(f.Words);
        if (member >= 0 && overlap >= _options.DecontamThreshold)
            return new(id, DedupReason.ContaminatesTest, test.Ids[member], overlap);

        // A paraphrase of a test row breaks many n-grams but stays a near duplicate: that is contamination too.
        var matcher = new LcsMatcher(f.Words);
        double floor = _options.JaccardThreshold - _options.CandidateMargin;
        var nearTest = test.Closest(f, matcher, floor);
        if (nearTest.Id is not null && nearTest.Rouge >= _options.RougeLThreshold)
            return new(id, DedupReason.ContaminatesTest, nearTest.Id, nearTest.Rouge);

        var nearTrain = train.Closest(f, matcher, floor);
        var nearKept = kept.Closest(f, matcher, floor);
        if (nearTrain.Id is not null && nearTrain.Rouge >= _options.RougeLThreshold && nearTrain.Rouge >= nearKept.Rouge)
            return new(id, DedupReason.NearDuplicatesTrain, nearTrain.Id, nearTrain.Rouge);
        if (nearKept.Id is not null && nearKept.Rouge >= _options.RougeLThreshold)
            return new(id, DedupReason.NearDuplicate, nearKept.Id, nearKept.Rouge);
        return new(id, DedupReason.Kept);
    }

    /// <summary>Words, exact hash and MinHash signature of every row, computed in parallel.</summary>
    RowFeatures[] Features(IReadOnlyList<ChatExample> rows)
    {
        var features = new RowFeatures[rows.Count];
        Parallel.For(0, rows.Count, i => features[i] = Feature(TextOf(rows[i])));
        return features;
    }

    /// <summary>The features of one text (public for benchmarks that bypass ChatExample).</summary>
    public RowFeatures Feature(string text)
    {
        var words = WordHashing.WordHashes(text);
        return new RowFeatures(words, WordHashing.Sequence(words), _hasher.Signature(_hasher.Shingles(words)));
    }

    /// <summary>What dedup needs of a row: word hashes (for ROUGE-L and n-grams), exact hash, MinHash signature.</summary>
    public sealed record RowFeatures(int[] Words, ulong Exact, uint[] Signature);
}
