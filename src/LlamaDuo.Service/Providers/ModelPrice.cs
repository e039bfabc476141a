namespace LlamaDuo.Service.Providers;

/// <summary>
/// US dollars per one million input and output tokens for one model, and the share of that a provider batch costs
/// (<see cref="BatchFactor"/>: OpenAI Batch and Anthropic Message Batches both bill 50% of the list price).
/// </summary>
public sealed record ModelPrice(decimal InputPerMillion, decimal OutputPerMillion)
{
    /// <summary>Share of the list price a batch call costs.</summary>
    public decimal BatchFactor { get; init; } = 0.5m;

    /// <summary>The cost of one call.</summary>
    public decimal Cost(long inputTokens, long outputTokens) =>
        (inputTokens * InputPerMillion + outputTokens * OutputPerMillion) / 1_000_000m;

    /// <summary>The cost of one call answered inside a provider batch.</summary>
    public decimal BatchCost(long inputTokens, long outputTokens) => Cost(inputTokens, outputTokens) * BatchFactor;
}
