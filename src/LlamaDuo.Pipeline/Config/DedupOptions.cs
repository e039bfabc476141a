namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>synthesis.dedup</c> section: near-duplicate removal and decontamination against the test split.</summary>
public sealed record DedupOptions
{
    /// <summary>MinHash-LSH estimated Jaccard similarity (word shingles) at or above which a row is a near duplicate.</summary>
    public double JaccardThreshold { get; init; } = 0.5;

    /// <summary>Words per shingle for MinHash.</summary>
    public int ShingleSize { get; init; } = 3;

    /// <summary>MinHash permutations (signature length).</summary>
    public int Permutations { get; init; } = 128;

    /// <summary>ROUGE-L F1 against kept instructions at or above which a row is dropped (Self-Instruct used 0.7).</summary>
    public double RougeLThreshold { get; init; } = 0.7;

    /// <summary>Word n-gram size for decontamination against test rows.</summary>
    public int DecontamNgram { get; init; } = 13;

    /// <summary>Share of a row's n-grams found in the test split at or above which the row is dropped; 0 drops on any shared n-gram.</summary>
    public double DecontamThreshold { get; init; } = 0.0;
}
