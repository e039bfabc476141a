namespace LlamaDuo.Service.Synthesis;

/// <summary>How synthesis asks the service LLM for pairs and which pairs it accepts.</summary>
public sealed record SynthesisOptions
{
    /// <summary>Pairs requested per call.</summary>
    public int PairsPerCall { get; init; } = 8;

    /// <summary>Train rows shown as examples per call.</summary>
    public int SeedsPerCall { get; init; } = 3;

    /// <summary>Calls beyond the minimum allowed to make up for rejected pairs or failed replies (a fraction).</summary>
    public double ExtraCallFraction { get; init; } = 0.5;

    public int MaxConcurrentCalls { get; init; } = 4;

    /// <summary>Seeds the RNG that picks seeds per batch and the per-call seeds: same seed, same prompts (cache hits).</summary>
    public int Seed { get; init; } = 7;

    public float? Temperature { get; init; } = 1.0f;
    public int MaxOutputTokens { get; init; } = 4096;
    public string? ModelId { get; init; }

    /// <summary>Longest accepted instruction and response, in characters.</summary>
    public int MaxInstructionChars { get; init; } = 6000;
    public int MaxResponseChars { get; init; } = 8000;

    /// <summary>How much more likely a seed is picked when it resembles failed test rows (1 = no targeting).</summary>
    public double FailureBoost { get; init; } = 4;

    /// <summary>Stage label put in ChatOptions.AdditionalProperties["llamaduo.stage"].</summary>
    public string StageLabel { get; init; } = "synth";
}
