namespace LlamaDuo.Service.Middleware;

/// <summary>How <see cref="RetryingChatClient"/> retries.</summary>
public sealed record RetryOptions
{
    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetries { get; init; } = 6;

    /// <summary>Backoff before retry n (0-based) is drawn uniformly from [0, min(MaxDelay, BaseDelay * 2^n)] ("full jitter").</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap on the jittered backoff.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A server's Retry-After longer than this is cut to this (a misbehaving server cannot stall a run for hours).</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);
}
