using LlamaDuo.Core.Options;
using LlamaDuo.Service.Dedup;

namespace LlamaDuo.Service.Synthesis;

/// <summary>
/// How synthesis asks the service LLM for pairs and which pairs it accepts, and the config's <c>synthesis</c> section
/// (the caller's wiring and tuned limits, marked <see cref="NotInConfigAttribute"/>, are not keys).
/// </summary>
public sealed record SynthesisOptions
{
    /// <summary>Rows kept (after dedup) to add per round; read by the loop, which asks the synthesizer for them.</summary>
    public int RowsPerRound { get; init; } = 256;

    /// <summary>Train rows shown as examples per call.</summary>
    public int SeedCount { get; init; } = 3;

    /// <summary>Pairs requested per call.</summary>
    public int RowsPerRequest { get; init; } = 5;

    /// <summary>Sampling temperature of the synthesizer.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Pick seeds near the test topics the student fails more often (read by the loop, which passes the weights).</summary>
    public bool WeightedByFailures { get; init; } = true;

    /// <summary>Near-duplicate and contamination filters applied to what synthesis returns.</summary>
    public DedupOptions Dedup { get; init; } = new();

    /// <summary>Calls beyond the minimum allowed to make up for rejected pairs or failed replies (a fraction).</summary>
    [NotInConfig] public double ExtraCallFraction { get; init; } = 0.5;

    [NotInConfig] public int MaxConcurrentCalls { get; init; } = 4;

    /// <summary>Seeds the RNG that picks seeds per batch and the per-call seeds: same seed, same prompts (cache hits).</summary>
    [NotInConfig] public int Seed { get; init; } = 7;

    [NotInConfig] public int MaxOutputTokens { get; init; } = 4096;
    [NotInConfig] public string? ModelId { get; init; }

    /// <summary>Longest accepted instruction and response, in characters.</summary>
    [NotInConfig] public int MaxInstructionChars { get; init; } = 6000;
    [NotInConfig] public int MaxResponseChars { get; init; } = 8000;

    /// <summary>How much more likely a seed is picked when it resembles failed test rows (1 = no targeting).</summary>
    [NotInConfig] public double FailureBoost { get; init; } = 4;

    /// <summary>Stage label put in ChatOptions.AdditionalProperties["llamaduo.stage"].</summary>
    [NotInConfig] public string StageLabel { get; init; } = "synth";
}
