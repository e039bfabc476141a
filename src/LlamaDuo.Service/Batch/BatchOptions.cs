namespace LlamaDuo.Service.Batch;

/// <summary>
/// The <c>service.batch</c> section: judge and synthesis calls are collected and sent as provider batches
/// (OpenAI Batch, Anthropic Message Batches) at the batch price, instead of one request each.
/// </summary>
public sealed record BatchOptions
{
    /// <summary>Off by default: batches take minutes to hours, synchronous calls seconds.</summary>
    public bool Enabled { get; init; }

    /// <summary>Seconds between status polls of a running batch.</summary>
    public double PollS { get; init; } = 30;

    /// <summary>Most requests in one batch; a full batch is sent at once (OpenAI allows 50,000, Anthropic 100,000).</summary>
    public int MaxRequests { get; init; } = 50_000;

    /// <summary>Quiet time after the last request before a partial batch is sent, in milliseconds.</summary>
    public int WindowMs { get; init; } = 2000;

    /// <summary>Share of the list price a batch call costs; null = each price entry's own factor (0.5 for all defaults).</summary>
    public double? PriceFactor { get; init; }
}
