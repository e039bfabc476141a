namespace LlamaDuo.Pipeline.Config;

/// <summary>
/// The <c>service.batch</c> section: send judge and synthesis calls as provider batches (OpenAI Batch, Anthropic
/// Message Batches) at the batch price, usually half the list price, at the cost of waiting minutes to hours.
/// </summary>
public sealed record ServiceBatchOptions
{
    /// <summary>Batch mode on or off.</summary>
    public bool Enabled { get; init; }

    /// <summary>Seconds between status polls of a running batch.</summary>
    public double PollS { get; init; } = 30;

    /// <summary>Most requests in one batch (OpenAI: 50,000 per batch).</summary>
    public int MaxRequests { get; init; } = 50_000;

    /// <summary>Milliseconds without a new call before a partial batch is sent.</summary>
    public int WindowMs { get; init; } = 2000;

    /// <summary>Share of the list price a batch call costs; null = 0.5 (OpenAI's and Anthropic's batch discount).</summary>
    public double? PriceFactor { get; init; }
}
