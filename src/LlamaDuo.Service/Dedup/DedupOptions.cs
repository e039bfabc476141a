using LlamaDuo.Core.Options;

namespace LlamaDuo.Service.Dedup;

/// <summary>
/// Thresholds for dedup and decontamination, and the config's <c>synthesis.dedup</c> section (the tuned constants
/// marked <see cref="NotInConfigAttribute"/> are not keys). Defaults suit free-text instruction data (no_robots-like
/// rows); a templated task whose distinct rows share most of their words (the quickstart's stories) needs a higher
/// Jaccard threshold: see docs/judge.md and <see cref="ForTemplatedText"/>.
/// </summary>
public sealed record DedupOptions
{
    /// <summary>
    /// Jaccard similarity of word shingles at which LSH proposes two rows as near duplicates. Set for recall: an 8%
    /// word-level edit already brings 3-shingle Jaccard down to about 0.65, so 0.5 finds light paraphrases and the
    /// ROUGE-L confirmation (<see cref="RougeLThreshold"/>) keeps distinct rows apart.
    /// </summary>
    public double JaccardThreshold { get; init; } = 0.5;

    /// <summary>Words per shingle.</summary>
    public int ShingleSize { get; init; } = 3;

    /// <summary>MinHash permutations (signature length); LSH bands and rows are chosen from these and the threshold.</summary>
    public int Permutations { get; init; } = 128;

    /// <summary>ROUGE-L F1 (0-1) an LSH candidate must reach to be confirmed as a near duplicate (of a synthetic, train or test row; Self-Instruct used 0.7).</summary>
    public double RougeLThreshold { get; init; } = 0.7;

    /// <summary>Word n-gram length for decontamination against test rows.</summary>
    public int DecontamNgram { get; init; } = 13;

    /// <summary>
    /// Share (0-1) of a synthetic row's n-grams found in one test row (or of that test row's n-grams, whichever set is
    /// smaller) at which the row is dropped as contaminated; 0 drops a row that shares any n-gram with a test row.
    /// </summary>
    public double DecontamThreshold { get; init; } = 0.0;

    /// <summary>Weights of the false-positive and false-negative areas when choosing bands (recall favoured).</summary>
    [NotInConfig] public double FalsePositiveWeight { get; init; } = 0.15;
    [NotInConfig] public double FalseNegativeWeight { get; init; } = 0.85;

    /// <summary>
    /// LSH candidates whose MinHash estimate is below JaccardThreshold minus this margin are dropped before ROUGE-L:
    /// the estimate's standard error is at most 0.045 at 128 permutations, so 0.2 loses no true pair in practice.
    /// </summary>
    [NotInConfig] public double CandidateMargin { get; init; } = 0.2;

    /// <summary>Seed for the MinHash permutations.</summary>
    [NotInConfig] public int Seed { get; init; } = 20240826;

    /// <summary>Settings for templated text where distinct rows share most words (e.g. the quickstart's stories).</summary>
    public static DedupOptions ForTemplatedText { get; } = new()
    {
        JaccardThreshold = 0.9,
        RougeLThreshold = 0.95,
        DecontamNgram = 13,
        DecontamThreshold = 0.8,
    };
}
