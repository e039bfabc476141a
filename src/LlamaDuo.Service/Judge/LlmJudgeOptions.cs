using LlamaDuo.Core.Options;

namespace LlamaDuo.Service.Judge;

/// <summary>
/// How the LLM judge calls the service model. Defaults follow the paper where it has one (10 rounds per row). The
/// config's <c>judge</c> section extends it, so <see cref="Rounds"/> and <see cref="Temperature"/> are keys there;
/// the caller's wiring and tuned limits, marked <see cref="NotInConfigAttribute"/>, are not.
/// </summary>
public record LlmJudgeOptions
{
    /// <summary>Separate judge calls per row; the row score is their mean (paper: M = 10).</summary>
    public int Rounds { get; init; } = 10;

    /// <summary>
    /// Re-asks (with a new seed) for a round whose reply is a parse diagnostic: 2 by default, so a round costs at most
    /// 3 calls. A call that fails is not re-asked: the service middleware retries transport faults, once, in one place.
    /// </summary>
    [NotInConfig] public int MaxParseRetries { get; init; } = 2;

    /// <summary>Judge calls in flight at once across all rows.</summary>
    [NotInConfig] public int MaxConcurrentCalls { get; init; } = 8;

    /// <summary>Sampling temperature; rounds differ through their seed and this temperature, so the M calls are independent draws.</summary>
    public double Temperature { get; init; } = 0.7;

    /// <summary>Room for two scores and two one-sentence reasons.</summary>
    [NotInConfig] public int MaxOutputTokens { get; init; } = 300;

    /// <summary>Base of the per-round seed: the same base gives the same calls, so a rerun hits the response cache.</summary>
    [NotInConfig] public long Seed { get; init; } = 1234;

    /// <summary>Model id to request; null leaves it to the client.</summary>
    [NotInConfig] public string? ModelId { get; init; }

    /// <summary>Stage label put in ChatOptions.AdditionalProperties["llamaduo.stage"] for cost attribution.</summary>
    [NotInConfig] public string StageLabel { get; init; } = "judge";
}
