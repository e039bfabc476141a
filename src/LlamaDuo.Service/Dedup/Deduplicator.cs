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
        var trainF = Features(train);
        var testF = Features(test);

        var testExact = new Dictionary<ulong, int>();
        var contamination = new ContaminationIndex(_options.ContaminationNgram);
        var testLsh = new MinHashLshIndex(Lsh);
        for (int i = 0; i < testF.Length; i++)
        {
            testExact.TryAdd(testF[i].Exact, i);
            contamination.Add(testF[i].Words);
            testLsh.Add(i, testF[i].Signature);
        }

        // LSH members: train rows are 0..T-1, kept synthetic row i is T + i.
        var lsh = new MinHashLshIndex(Lsh);
        var trainExact = new Dictionary<ulong, int>();
        for (int i = 0; i < trainF.Length; i++)
        {
            trainExact.TryAdd(trainF[i].Exact, i);
            lsh.Add(i, trainF[i].Signature);
        }
        var keptExact = new Dictionary<ulong, int>();
        var decisions = new List<DedupDecision>(synthetic.Count);
        var kept = new List<ChatExample>();

        for (int i = 0; i < synth.Length; i++)
        {
            var f = synth[i];
            var decision = Decide(synthetic[i].Id, f, testExact, trainExact, keptExact, contamination, testLsh, lsh, testF, trainF, synth, train, synthetic, test);
            decisions.Add(decision);
            if (!decision.Kept) continue;
            kept.Add(synthetic[i]);
            keptExact.TryAdd(f.Exact, i);
            lsh.Add(trainF.Length + i, f.Signature);
        }
        return new DedupResult(kept, decisions);
    }

    DedupDecision Decide(string id, RowFeatures f,
        Dictionary<ulong, int> testExact, Dictionary<ulong, int> trainExact, Dictionary<ulong, int> keptExact,
        ContaminationIndex contamination, MinHashLshIndex testLsh, MinHashLshIndex lsh, RowFeatures[] testF, RowFeatures[] trainF, RowFeatures[] synth,
        IReadOnlyList<ChatExample> train, IReadOnlyList<ChatExample> synthetic, IReadOnlyList<ChatExample> test)
    {
        if (f.Words.Length == 0) return new(id, DedupReason.Empty);
        if (testExact.TryGetValue(f.Exact, out int t)) return new(id, DedupReason.ContaminatesTest, test[t].Id, 1);
        if (trainExact.TryGetValue(f.Exact, out int tr)) return new(id, DedupReason.DuplicatesTrain, train[tr].Id, 1);
        if (keptExact.TryGetValue(f.Exact, out int k)) return new(id, DedupReason.ExactDuplicate, synthetic[k].Id, 1);

        var (member, overlap) = contamination.MostOverlapping(f.Words);
        if (member >= 0 && overlap >= _options.ContaminationThreshold)
            return new(id, DedupReason.ContaminatesTest, test[member].Id, overlap);

        // A paraphrase of a test row breaks many n-grams but stays a near duplicate: that is contamination too.
        var matcher = new LcsMatcher(f.Words);
        var (nearTest, testRouge) = Closest(f, matcher, testLsh, c => testF[c]);
        if (nearTest >= 0 && testRouge >= _options.RougeLThreshold)
            return new(id, DedupReason.ContaminatesTest, test[nearTest].Id, testRouge);

        var (best, bestRouge) = Closest(f, matcher, lsh, c => c < trainF.Length ? trainF[c] : synth[c - trainF.Length]);
        if (best >= 0 && bestRouge >= _options.RougeLThreshold)
            return best < trainF.Length
                ? new(id, DedupReason.NearDuplicatesTrain, train[best].Id, bestRouge)
                : new(id, DedupReason.NearDuplicate, synthetic[best - trainF.Length].Id, bestRouge);
        return new(id, DedupReason.Kept);
    }

    /// <summary>
    /// The LSH candidate with the highest ROUGE-L F1 (lowest member on ties), or -1 when there is none. Candidates whose
    /// signatures estimate a Jaccard similarity far below the threshold (more than 4.5 standard errors at 128
    /// permutations) are skipped before the ROUGE-L computation: they are LSH false positives.
    /// </summary>
    (int Member, double Rouge) Closest(RowFeatures f, LcsMatcher matcher, MinHashLshIndex index, Func<int, RowFeatures> features)
    {
        int best = -1;
        double bestRouge = 0;
        double floor = _options.JaccardThreshold - _options.CandidateMargin;
        foreach (int c in index.Candidates(f.Signature))
        {
            var other = features(c);
            if (MinHasher.Estimate(f.Signature, other.Signature) < floor) continue;
            double rouge = matcher.F1(other.Words);
            if (rouge > bestRouge || (rouge == bestRouge && c < best)) { bestRouge = rouge; best = c; }
        }
        return (best, bestRouge);
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
