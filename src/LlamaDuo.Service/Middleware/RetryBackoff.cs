namespace LlamaDuo.Service.Middleware;

/// <summary>
/// The wait before a retry: the server's Retry-After when it sent one (cut to <see cref="MaxRetryAfter"/>), else
/// "full jitter": uniform in [0, min(<see cref="MaxDelay"/>, <see cref="BaseDelay"/> * 2^(n-1))] after failed
/// attempt n. Not YAML keys: tests shorten them through ServiceClientParts.
/// </summary>
public sealed record RetryBackoff
{
    /// <summary>Scale of the exponential ceiling.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap on the jittered backoff.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A server's Retry-After longer than this is cut to this (a misbehaving server cannot stall a run for hours).</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based); <paramref name="draw"/> is uniform in [0, 1).</summary>
    public TimeSpan DelayAfter(int attempt, TimeSpan? retryAfter, double draw)
    {
        if (retryAfter is { } serverSays)
            return serverSays < MaxRetryAfter ? serverSays : MaxRetryAfter;
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(draw * ceiling);
    }
}
